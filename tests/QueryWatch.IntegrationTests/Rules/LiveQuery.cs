namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// One query as capture.sh runs it: the SQL, the settings it is explained under (SET LOCAL, so
/// they end with the transaction) and statements to run first in that transaction, such as the
/// index a fixed query needs. The transaction is rolled back, so nothing outlives the capture.
/// </summary>
internal sealed record LiveQuery(string Sql, IReadOnlyList<(string Name, string Value)> Settings, IReadOnlyList<string> Setup)
{
    public LiveQuery(string sql, params (string Name, string Value)[] settings)
        : this(sql, settings, [])
    {
    }

    /// <summary>The same query with <paramref name="statements"/> run before it in its transaction.</summary>
    public LiveQuery After(params string[] statements) => this with { Setup = statements };
}
