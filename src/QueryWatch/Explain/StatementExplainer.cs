using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Sends one EXPLAIN for one statement on the worker's own data source. Nothing but an EXPLAIN (and
/// a catalog lookup) is sent, always inside a READ ONLY transaction that is rolled back, under
/// statement_timeout and lock_timeout. ANALYZE runs only when every function the estimated plan
/// calls is known not to act outside the transaction (<see cref="AnalyzeSafety"/>), and the session
/// is reset after every explain so nothing a statement did survives on the pooled connection.
/// </summary>
internal sealed class StatementExplainer(NpgsqlDataSource dataSource, TimeSpan statementTimeout, ILogger? logger = null)
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(1);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The plan as PostgreSQL's JSON text; for callers that never ANALYZE and have their parameters.</summary>
    public async Task<string> ExplainAsync(SqlStatement statement, IReadOnlyList<CapturedParameter> parameters, bool analyze, CancellationToken ct)
    {
        var explained = await ExplainStatementAsync(statement, parameters, analyze, ct).ConfigureAwait(false);
        return explained.Json ?? throw new InvalidOperationException(
            "captured parameters cannot be bound and PostgreSQL " + explained.ServerVersion + " cannot plan without them (plan_cache_mode needs 12 or later)");
    }

    /// <summary>Explains <paramref name="statement"/>, with ANALYZE when asked and safe.</summary>
    public async Task<StatementExplanation> ExplainStatementAsync(SqlStatement statement, IReadOnlyList<CapturedParameter> parameters, bool analyze, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await ExplainInTransactionAsync(connection, statement, parameters, analyze, ct).ConfigureAwait(false);
            }
            finally
            {
                await ResetSessionAsync(connection, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<StatementExplanation> ExplainInTransactionAsync(NpgsqlConnection connection, SqlStatement statement,
        IReadOnlyList<CapturedParameter> parameters, bool analyze, CancellationToken ct)
    {
        var serverVersion = connection.PostgreSqlVersion;
        var unbound = 0;
        foreach (var parameter in parameters)
        {
            if (CommandCapture.IsSent(parameter) && !CommandCapture.CanRebind(parameter)) unbound++;
        }

        if (unbound > 0 && !ExplainText.SupportsGenericPlan(serverVersion))
            return new StatementExplanation(null, Analyzed: false, unbound, serverVersion, []);

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

            if (unbound > 0)
            {
                var (prepare, explainGeneric) = ExplainText.GenericPlan(statement.Text, parameters);
                var setGeneric = new NpgsqlCommand("SET LOCAL plan_cache_mode = force_generic_plan", connection, transaction);
                await using (setGeneric.ConfigureAwait(false)) await setGeneric.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                var prepared = new NpgsqlCommand(prepare, connection, transaction);
                await using (prepared.ConfigureAwait(false)) await prepared.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                var generic = await RunAsync(connection, transaction, explainGeneric, [], ct).ConfigureAwait(false);
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return new StatementExplanation(generic, Analyzed: false, unbound, serverVersion, []);
            }

            // The estimated plan first: it names every function ANALYZE would run, views and
            // inlined functions expanded, and is the answer when ANALYZE is not safe.
            var json = await RunAsync(connection, transaction, ExplainText.Prefix(analyze: false) + statement.Text, parameters, ct).ConfigureAwait(false);
            IReadOnlyList<string> unsafeCalls = [];
            if (analyze)
            {
                unsafeCalls = await AnalyzeSafety.FindUnsafeCallsAsync(connection, transaction, json, ct).ConfigureAwait(false);
                if (unsafeCalls.Count == 0)
                    json = await RunAsync(connection, transaction, ExplainText.Prefix(analyze: true) + statement.Text, parameters, ct).ConfigureAwait(false);
            }

            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return new StatementExplanation(json, analyze && unsafeCalls.Count == 0, 0, serverVersion, unsafeCalls);
        }
    }

    private static async Task<string> RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        IReadOnlyList<CapturedParameter> parameters, CancellationToken ct)
    {
        // The statement keeps its own text (EF's tag comments included) and its own parameter
        // placeholders; EXPLAIN accepts bound parameters like the statement would.
        var explain = new NpgsqlCommand(sql, connection, transaction);
        await using (explain.ConfigureAwait(false))
        {
            foreach (var parameter in parameters)
            {
                if (CommandCapture.IsSent(parameter)) explain.Parameters.Add(CommandCapture.Rebind(parameter));
            }

            var result = await explain.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return result as string ?? Convert.ToString(result, CultureInfo.InvariantCulture) ?? "";
        }
    }

    /// <summary>
    /// Returns the session to the state of a new one before the connection goes back to the pool.
    /// Npgsql's own reset (DISCARD ALL unless No Reset On Close) is only prepended to the next command
    /// on that connection, so an advisory lock or LISTEN would stay while the connection sits idle;
    /// an advisory session lock survives ROLLBACK. DISCARD ALL includes pg_advisory_unlock_all() and
    /// UNLISTEN * (https://www.postgresql.org/docs/current/sql-discard.html). A connection that cannot
    /// be reset is closed rather than pooled.
    /// </summary>
    private async Task ResetSessionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open && !ct.IsCancellationRequested)
            {
                var discard = new NpgsqlCommand("DISCARD ALL", connection);
                await using (discard.ConfigureAwait(false))
                {
                    await discard.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return;
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            Log.ExplainSessionResetFailed(_logger, e.GetType().Name);
        }

        NpgsqlConnection.ClearPool(connection);
    }
}

/// <summary>The outcome of one statement's EXPLAIN.</summary>
/// <param name="Json">The plan in PostgreSQL's JSON format; null when the statement could not be explained (see <paramref name="UnboundParameters"/>).</param>
/// <param name="Analyzed">True when the plan carries ANALYZE's actual figures.</param>
/// <param name="UnboundParameters">Captured parameters that could not be bound again: the plan is generic, or absent before PostgreSQL 12.</param>
/// <param name="ServerVersion">The explain server's version.</param>
/// <param name="UnsafeCalls">What kept ANALYZE from running: volatile or unresolved functions of the plan.</param>
internal sealed record StatementExplanation(string? Json, bool Analyzed, int UnboundParameters, Version ServerVersion, IReadOnlyList<string> UnsafeCalls);
