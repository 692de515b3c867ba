namespace QueryWatch.Rewrites;

/// <summary>
/// Matches a <c>LIMIT</c> placeholder as written in the SQL (<see cref="SqlRewrite.LimitParameterName"/>:
/// <c>@p0</c>, <c>:p</c>, <c>$1</c>) to a command's parameter. Npgsql accepts a name with or without its
/// <c>@</c>/<c>:</c> prefix, and binds <c>$n</c> to the n-th parameter, which then has no name.
/// Allocation-free: the interceptor runs it per execution.
/// </summary>
internal static class LimitPlaceholder
{
    /// <summary>The 0-based index of the parameter <c>$n</c> names, or -1 when <paramref name="placeholder"/> is not positional.</summary>
    public static int PositionOf(string placeholder)
    {
        if (placeholder.Length < 2 || placeholder[0] != '$') return -1;
        var n = 0;
        for (var i = 1; i < placeholder.Length; i++)
        {
            var c = placeholder[i];
            if (c is < '0' or > '9' || n > 100_000) return -1;
            n = n * 10 + (c - '0');
        }

        return n - 1;
    }

    /// <summary>True when <paramref name="parameterName"/> is the parameter the named <paramref name="placeholder"/> refers to.</summary>
    public static bool Matches(string placeholder, string? parameterName)
    {
        if (string.IsNullOrEmpty(parameterName)) return false;
        return Bare(placeholder).SequenceEqual(Bare(parameterName));
    }

    private static ReadOnlySpan<char> Bare(string name)
        => name.Length > 0 && name[0] is '@' or ':' ? name.AsSpan(1) : name.AsSpan();
}
