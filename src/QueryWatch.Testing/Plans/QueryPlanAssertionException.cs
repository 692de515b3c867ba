namespace QueryWatch.Testing;

/// <summary>
/// A plan or recorder assertion failed. The message says what was asserted and shows what the test
/// needs to understand the failure: the plan tree, the findings with their fixes and the SQL, or the
/// statements that ran. It derives from <see cref="Exception"/> only, so every test framework reports it.
/// </summary>
public sealed class QueryPlanAssertionException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public QueryPlanAssertionException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public QueryPlanAssertionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public QueryPlanAssertionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
