using System.Globalization;
using Npgsql;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Checks a proposed index before it is suggested: in a session of its own, creates it hypothetically
/// with hypopg (<c>hypopg_create_index</c>: planner-only, nothing is built or written), EXPLAINs the
/// statement (no ANALYZE: nothing runs) and compares the plan with the one before. QueryWatch never
/// creates the extension: without hypopg in the database the answer is
/// <see cref="IndexVerificationOutcome.NotVerified"/>.
/// </summary>
internal sealed class HypotheticalIndexVerifier
{
    private const string HasHypopg = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'hypopg')";

    private readonly NpgsqlDataSource _dataSource;

    public HypotheticalIndexVerifier(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Whether the planner would use <paramref name="ddl"/>'s index for <paramref name="sql"/> (one statement, positional <c>$n</c> parameters) and how the cost moves.</summary>
    public Task<IndexVerification> VerifyAsync(string sql, IReadOnlyList<object?>? parameters, string ddl, CancellationToken cancellationToken = default) =>
        VerifyWithBindingAsync(sql, Positional(parameters), ddl, cancellationToken);

    /// <summary>
    /// As above, with the statement's parameters bound by <paramref name="bind"/> on each EXPLAIN it
    /// sends (the explain worker rebinds a captured command's named parameters with their types).
    /// </summary>
    public async Task<IndexVerification> VerifyWithBindingAsync(string sql, Action<NpgsqlParameterCollection>? bind, string ddl, CancellationToken cancellationToken = default)
    {
        var statements = SqlStatementSplitter.Split(sql);
        if (statements.Count != 1) return IndexVerification.NotVerified($"the SQL holds {statements.Count} statements; verification EXPLAINs exactly one");
        var statement = statements[0].Text;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (!await ScalarAsync<bool>(connection, HasHypopg, cancellationToken).ConfigureAwait(false))
                return IndexVerification.NotVerified("the hypopg extension is not installed in this database");
            await ExecuteAsync(connection, "SET statement_timeout = '10s'", cancellationToken).ConfigureAwait(false);
            var before = await ExplainAsync(connection, statement, bind, cancellationToken).ConfigureAwait(false);
            try
            {
                string name;
                await using (var create = new NpgsqlCommand("SELECT indexname FROM hypopg_create_index(@ddl)", connection))
                {
                    create.Parameters.AddWithValue("ddl", IndexAdvice.ToHypothetical(ddl));
                    name = (string)(await create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }
                var after = await ExplainAsync(connection, statement, bind, cancellationToken).ConfigureAwait(false);
                var costBefore = before.Root.TotalCost ?? 0;
                var costAfter = after.Root.TotalCost ?? 0;
                if (!after.Nodes.Any(n => n.IndexName == name))
                    return IndexVerification.NotUsed(costBefore, costAfter, "the planner does not use the index");
                if (costAfter >= costBefore)
                    return IndexVerification.NotUsed(costBefore, costAfter, "the planner uses the index but the plan costs no less");
                return IndexVerification.Verified(costBefore, costAfter, name);
            }
            finally
            {
                // Hypothetical indexes live in this backend only; reset anyway, the connection goes back to a pool.
                await ExecuteAsync(connection, "SELECT hypopg_reset()", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (PostgresException e)
        {
            return IndexVerification.NotVerified($"PostgreSQL refused it: {e.SqlState} {e.MessageText}");
        }
        catch (NpgsqlException e)
        {
            return IndexVerification.NotVerified("no usable connection: " + e.Message);
        }
        catch (PlanParseException e)
        {
            return IndexVerification.NotVerified("unreadable plan: " + e.Message);
        }
    }

    private static Action<NpgsqlParameterCollection>? Positional(IReadOnlyList<object?>? values) => values is null ? null : parameters =>
    {
        foreach (var value in values) parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
    };

    private static async Task<Plan> ExplainAsync(NpgsqlConnection connection, string statement, Action<NpgsqlParameterCollection>? bind, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + statement, connection);
        bind?.Invoke(command.Parameters);
        var json = Convert.ToString(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) ?? "";
        return PlanReader.Read(json);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
