using System.Globalization;
using Npgsql;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Testing;

/// <summary>
/// Explains a command on the test's own connection, so the test's data (an open transaction
/// included) is what the planner sees. Every EXPLAIN runs inside a READ ONLY transaction, or a
/// savepoint of the test's transaction made read only, that is rolled back; ANALYZE only for a
/// read-only SELECT whose plan calls nothing that could act outside the transaction.
/// </summary>
internal static class TestExplainer
{
    private const string Savepoint = "querywatch_explain";

    public static async Task<List<QueryPlanResult>> ExplainAsync(NpgsqlConnection connection, string sql,
        IReadOnlyList<CapturedParameter> parameters, QueryPlanOptions options, CancellationToken ct)
    {
        var results = new List<QueryPlanResult>();
        var opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            opened = true;
        }

        try
        {
            var engine = new RuleEngine(options.ShapeChecksAtAnySize ? ShapeChecks.AtAnySize : null);
            foreach (var statement in SqlStatementSplitter.Split(sql))
            {
                var (json, analyzed) = await ExplainStatementAsync(connection, statement, parameters, options, ct).ConfigureAwait(false);
                var plan = JsonPlanParser.Parse(json);
                results.Add(new QueryPlanResult(statement.Text, json, plan, engine.Analyze(plan, statement.Text), analyzed, options));
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync().ConfigureAwait(false);
        }

        return results;
    }

    private static async Task<(string Json, bool Analyzed)> ExplainStatementAsync(NpgsqlConnection connection, SqlStatement statement,
        IReadOnlyList<CapturedParameter> parameters, QueryPlanOptions options, CancellationToken ct)
    {
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The test (or EF) holds a transaction on this connection: explain inside a savepoint of it,
            // so the plan sees the test's uncommitted rows and nothing of the explain survives.
        }

        try
        {
            if (transaction is null) await RunAsync(connection, null, "SAVEPOINT " + Savepoint, [], ct).ConfigureAwait(false);
            await RunAsync(connection, transaction, string.Create(CultureInfo.InvariantCulture,
                $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(long)options.StatementTimeout.TotalMilliseconds}"), [], ct).ConfigureAwait(false);
            var json = await ScalarAsync(connection, transaction, ExplainText.Prefix(analyze: false) + statement.Text, parameters, ct).ConfigureAwait(false);
            var analyzed = false;
            if (options.Analyze && statement.IsReadOnlySelect
                && (await AnalyzeSafety.FindUnsafeCallsAsync(connection, transaction, json, ct).ConfigureAwait(false)).Count == 0)
            {
                json = await ScalarAsync(connection, transaction, ExplainText.Prefix(analyze: true) + statement.Text, parameters, ct).ConfigureAwait(false);
                analyzed = true;
            }

            return (json, analyzed);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await RunAsync(connection, null, $"ROLLBACK TO SAVEPOINT {Savepoint}; RELEASE SAVEPOINT {Savepoint}", [], CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        IReadOnlyList<CapturedParameter> parameters, CancellationToken ct)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false)) await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        IReadOnlyList<CapturedParameter> parameters, CancellationToken ct)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            var result = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return result as string ?? Convert.ToString(result, CultureInfo.InvariantCulture) ?? "";
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<CapturedParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            if (CommandCapture.IsSent(parameter)) command.Parameters.Add(CommandCapture.Rebind(parameter));
        }

        return command;
    }
}
