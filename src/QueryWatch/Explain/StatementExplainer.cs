using System.Globalization;
using Npgsql;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Sends one EXPLAIN for one statement on the worker's own data source. Nothing but an EXPLAIN is
/// sent, always inside a READ ONLY transaction that is rolled back, under statement_timeout and
/// lock_timeout, so that even ANALYZE of a SELECT calling a writing function cannot change data.
/// </summary>
internal sealed class StatementExplainer(NpgsqlDataSource dataSource, TimeSpan statementTimeout)
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The plan as PostgreSQL's JSON text.</summary>
    public async Task<string> ExplainAsync(SqlStatement statement, IReadOnlyList<CapturedParameter> parameters, bool analyze, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var setup = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture,
                    $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(long)statementTimeout.TotalMilliseconds}; SET LOCAL lock_timeout = {(long)s_lockTimeout.TotalMilliseconds}"),
                    connection, transaction);
                await using (setup.ConfigureAwait(false))
                {
                    await setup.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                // The statement keeps its own text (EF's tag comments included) and its own
                // parameter placeholders; EXPLAIN accepts bound parameters like the statement would.
                var prefix = analyze ? "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS, ANALYZE, BUFFERS)\n" : "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\n";
                var explain = new NpgsqlCommand(prefix + statement.Text, connection, transaction);
                await using (explain.ConfigureAwait(false))
                {
                    foreach (var parameter in parameters)
                    {
                        if (CommandCapture.IsSent(parameter)) explain.Parameters.Add(CommandCapture.Rebind(parameter));
                    }

                    var result = await explain.ExecuteScalarAsync(ct).ConfigureAwait(false);
                    await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    return result as string ?? Convert.ToString(result, CultureInfo.InvariantCulture) ?? "";
                }
            }
        }
    }
}
