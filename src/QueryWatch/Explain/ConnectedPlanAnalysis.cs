using Npgsql;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>
/// A pasted plan judged with the database it came from: the tables' statistics read, the rules run, each
/// proposed index checked with hypopg. The CLI's <c>analyze --connection</c> reaches the database only
/// through here (DESIGN.md: the CLI uses Explain for the database, never Npgsql directly).
/// </summary>
internal static class ConnectedPlanAnalysis
{
    /// <summary>The findings for <paramref name="plan"/>, with statistics and index verification from <paramref name="connectionString"/>'s database.</summary>
    /// <exception cref="ConnectedPlanAnalysisException">The database is not reachable, or the connection string is not valid.</exception>
    public static async Task<IReadOnlyList<Finding>> AnalyzeAsync(Plan plan, string sql, string connectionString, ObservedRun? observed, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            ITableStatistics? statistics;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                statistics = await TableStatisticsReader.ReadAsync(connection, plan).ConfigureAwait(false);
            var findings = new RuleEngine().Analyze(plan, sql, statistics, observed);
            return await IndexAdviceVerification.ApplyAsync(findings, new HypotheticalIndexVerifier(dataSource), sql, parameters: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            throw new ConnectedPlanAnalysisException(e.Message, e);
        }
    }

    /// <summary>The findings with each proposed index marked not verified, for <paramref name="reason"/>.</summary>
    public static IReadOnlyList<Finding> Unverified(IReadOnlyList<Finding> findings, string reason) =>
        [.. findings.Select(f => f.Evidence.FirstOrDefault(x => x.Key == RuleContext.IndexEvidenceKey).Value is { Length: > 0 } ddl
            ? IndexAdviceVerification.With(f, ddl, IndexVerification.NotVerified(reason))
            : f)];
}

/// <summary>The database of a connected analysis could not be used; the message is the driver's one line.</summary>
internal sealed class ConnectedPlanAnalysisException(string message, Exception inner) : Exception(message, inner);
