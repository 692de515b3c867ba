using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Advice;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// What the worker's connection adds to the rules: the tables' statistics (stale-statistics reads
/// <c>pg_stat_user_tables</c>) and, where the database has hypopg, whether an index a finding
/// suggests would be used and make the plan cheaper. Either step failing costs only itself: the
/// findings are still logged, an index then marked "not verified".
/// </summary>
internal sealed class PlanAdvice(NpgsqlDataSource dataSource, ILogger logger)
{
    private readonly HypotheticalIndexVerifier _verifier = new(dataSource);

    public async Task<ITableStatistics?> ReadStatisticsAsync(Plan plan, SqlFingerprint fingerprint, CancellationToken ct)
    {
        try
        {
            var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await TableStatisticsReader.ReadAsync(connection, plan, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "reading table statistics", FindingRedactor.RedactText(e.Message));
            return null;
        }
    }

    public async Task<IReadOnlyList<Finding>> VerifyIndexesAsync(IReadOnlyList<Finding> findings, SqlStatement statement,
        IReadOnlyList<CapturedParameter> parameters, SqlFingerprint fingerprint, CancellationToken ct)
    {
        // A consumed stream would bind as an empty value and verify the index for a different query:
        // such a command keeps its suggestions unverified, as it is explained only as a generic plan.
        foreach (var parameter in parameters)
        {
            if (CommandCapture.IsSent(parameter) && !CommandCapture.CanRebind(parameter))
            {
                return await IndexAdviceVerification.ApplyAsync(findings,
                    (_, _) => Task.FromResult(IndexVerification.NotVerified("a parameter value the command consumed cannot be sent again")), ct).ConfigureAwait(false);
            }
        }

        try
        {
            return await IndexAdviceVerification.ApplyAsync(findings,
                (ddl, token) => _verifier.VerifyWithBindingAsync(statement.Text, collection => Bind(collection, parameters), ddl, token), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "verifying index suggestions", FindingRedactor.RedactText(e.Message));
            return findings;
        }
    }

    private static void Bind(NpgsqlParameterCollection collection, IReadOnlyList<CapturedParameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            if (CommandCapture.IsSent(parameter)) collection.Add(CommandCapture.Rebind(parameter));
        }
    }
}
