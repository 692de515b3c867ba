using System.Diagnostics;
using System.Globalization;
using Npgsql;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Runs one probe on the worker's own data source (never the application's connection): a READ ONLY
/// transaction that is rolled back, statement_timeout and lock_timeout set to ProbeTimeout, the walked
/// index's order read from the catalog, then the one SELECT <see cref="ProbeBuilder"/> built.
/// </summary>
internal sealed class BetProbeRunner(NpgsqlDataSource dataSource, TimeSpan timeout)
{
    // The key columns of a b-tree in order, with DESC / NULLS FIRST (indoption bits 0 and 1, pg_index.h),
    // and the predicate of a partial index. An expression key has attnum 0: its name comes back null.
    private const string IndexOrderSql = """
        SELECT a.attname, (i.indoption[k.n - 1] & 1) <> 0, (i.indoption[k.n - 1] & 2) <> 0,
               pg_get_expr(i.indpred, i.indrelid, true), am.amname = 'btree'
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am am ON am.oid = c.relam
        CROSS JOIN generate_series(1, i.indnkeyatts) AS k(n)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1] AND i.indkey[k.n - 1] <> 0
        WHERE i.indexrelid = to_regclass($1)
        ORDER BY k.n
        """;

    public async Task<ProbeOutcome> MeasureAsync(ProbeTarget target, bool hasSubPlans, SqlStatement statement,
        IReadOnlyList<CapturedParameter> captured, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var ms = Math.Max(1, (long)timeout.TotalMilliseconds);
                await ExecuteAsync(connection, transaction, string.Create(CultureInfo.InvariantCulture,
                    $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}"), ct).ConfigureAwait(false);

                ProbeIndexOrder? order = null;
                if (target.OrderIndex is { } index)
                {
                    order = await ReadIndexOrderAsync(connection, transaction, target.Walked.Schema!, index, ct).ConfigureAwait(false);
                }

                var probe = ProbeBuilder.Build(target, order, hasSubPlans, out var refusal);
                if (probe is null) return ProbeOutcome.Refused(refusal);
                var parameters = ProbeBuilder.BindParameters(statement, captured, probe.ParameterCount);
                if (parameters is null) return ProbeOutcome.Refused(ProbeRefusal.Parameter);
                foreach (var parameter in parameters)
                {
                    // A stream the application's command consumed would bind as empty: no measured figure is better than a wrong one.
                    if (!CommandCapture.CanRebind(parameter)) return ProbeOutcome.Refused(ProbeRefusal.Parameter);
                }

                if (await AnyVolatileOperatorAsync(connection, transaction, probe.Operators, ct).ConfigureAwait(false))
                    return ProbeOutcome.Refused(ProbeRefusal.VolatileOperator);

                var command = new NpgsqlCommand(probe.Sql, connection, transaction) { CommandTimeout = CommandTimeoutSeconds() };
                await using (command.ConfigureAwait(false))
                {
                    foreach (var parameter in parameters)
                    {
                        // Positional: the probe numbers its placeholders as the statement's plan did.
                        var bound = CommandCapture.Rebind(parameter);
                        bound.ParameterName = "";
                        command.Parameters.Add(bound);
                    }

                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return new ProbeOutcome(probe, null, ProbeRefusal.None, false, "no row");
                            var result = new ProbeResult(reader.GetInt64(0), reader.GetInt64(1), Stopwatch.GetElapsedTime(started));
                            return new ProbeOutcome(probe, result, ProbeRefusal.None, false, null);
                        }
                    }
                    catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable && !ct.IsCancellationRequested)
                    {
                        return new ProbeOutcome(probe, null, ProbeRefusal.None, true, null);
                    }
                    finally
                    {
                        await RollbackQuietlyAsync(transaction).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private int CommandTimeoutSeconds() => (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalSeconds) + 5);

    private static async Task<ProbeIndexOrder?> ReadIndexOrderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string index, CancellationToken ct)
    {
        var command = new NpgsqlCommand(IndexOrderSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ProbeExpression.Quote(schema) + "." + ProbeExpression.Quote(index), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var keys = new List<ProbeIndexKey>();
                string? predicate = null;
                var btree = false;
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    keys.Add(new ProbeIndexKey(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
                    predicate = reader.IsDBNull(3) ? null : reader.GetString(3);
                    btree = reader.GetBoolean(4);
                }

                return keys.Count == 0 ? null : new ProbeIndexOrder(keys, btree, predicate);
            }
        }
    }

    /// <summary>
    /// An operator is a function call in disguise. By name alone (whatever its argument types), so that
    /// any volatile function behind one of these operators refuses the probe: built-in ones are immutable or stable.
    /// </summary>
    private static async Task<bool> AnyVolatileOperatorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> operators, CancellationToken ct)
    {
        if (operators.Count == 0) return false;
        var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode WHERE o.oprname = ANY($1) AND p.provolatile = 'v')",
            connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = operators.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task RollbackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is going back to the pool (or away); the transaction dies with it either way.
        }
    }
}
