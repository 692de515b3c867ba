using Npgsql;

namespace QueryWatch.Explain;

/// <summary>
/// Decides whether EXPLAIN ANALYZE may run a statement: only when every function its plan calls is
/// declared STABLE or IMMUTABLE in <c>pg_proc</c>. READ ONLY and ROLLBACK stop writes to tables, not
/// what a volatile function does outside the transaction: <c>pg_advisory_lock</c> outlives it on a
/// pooled session, <c>dblink_exec</c> commits on another connection, <c>nextval</c> and
/// <c>pg_notify</c> are not transactional (issue #16). PostgreSQL's own contract is that a
/// function with side effects is VOLATILE (https://www.postgresql.org/docs/current/xfunc-volatility.html);
/// one that lies about it is trusted, and the session reset after every explain is the backstop.
/// </summary>
internal static class AnalyzeSafety
{
    // Volatile only because their result varies, or (pg_sleep) because they take time, which
    // statement_timeout bounds: no state outside the statement changes. Matched in pg_catalog only,
    // so a user's function of the same name is still judged by its declaration.
    private static readonly string[] s_harmless = ["random", "random_normal", "clock_timestamp", "timeofday", "gen_random_uuid",
        "pg_sleep", "pg_sleep_for", "pg_sleep_until"];

    // Casts, type I/O and domain checks run without a name in the deparsed plan (an implicit cast is
    // not printed at all), so any volatile one in the database refuses ANALYZE everywhere; PostgreSQL
    // ships none (checked on 15: no volatile cast, type I/O, operator or aggregate support function).
    private const string Sql = """
        WITH called(schema_name, function_name) AS (
            SELECT * FROM unnest(@schemas::text[], @names::text[])
        ), matched AS (
            SELECT c.schema_name, c.function_name, p.oid, p.provolatile, p.pronamespace, p.proname
            FROM called c
            LEFT JOIN pg_proc p ON p.proname = c.function_name AND p.pronamespace IN (
                SELECT n.oid FROM pg_namespace n
                WHERE CASE WHEN c.schema_name = '' THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = c.schema_name END)
        )
        SELECT DISTINCT CASE WHEN m.schema_name = '' THEN m.function_name ELSE m.schema_name || '.' || m.function_name END
        FROM matched m
        WHERE m.oid IS NULL
           OR (m.provolatile = 'v' AND NOT (m.pronamespace = 'pg_catalog'::regnamespace AND m.proname = ANY (@harmless)))
           OR EXISTS (
                SELECT 1 FROM pg_aggregate a
                JOIN pg_proc s ON s.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn,
                                            a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn)
                WHERE a.aggfnoid = m.oid AND s.provolatile = 'v')
        UNION
        SELECT 'operator ' || o.oprname FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode
        WHERE o.oprname = ANY (@operators) AND p.provolatile = 'v'
        UNION
        SELECT 'cast to ' || format_type(c.casttarget, NULL) FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc
        WHERE p.provolatile = 'v'
        UNION
        SELECT 'type ' || format_type(t.oid, NULL) FROM pg_type t
        JOIN pg_proc p ON p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend)
        WHERE p.provolatile = 'v'
        UNION
        SELECT 'domain ' || format_type(c.contypid, NULL) FROM pg_constraint c
        JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_proc'::regclass
        JOIN pg_proc p ON p.oid = d.refobjid
        WHERE c.contypid <> 0 AND p.provolatile = 'v'
        LIMIT 10
        """;

    /// <summary>
    /// The functions (or operators, casts, types) of <paramref name="planJson"/> that may act outside
    /// the transaction, or that could not be resolved; empty when ANALYZE is safe.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindUnsafeCallsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string planJson, CancellationToken ct)
    {
        var calls = PlanCalls.Collect(planJson);
        var schemas = new string[calls.Functions.Count];
        var names = new string[calls.Functions.Count];
        var i = 0;
        foreach (var (schema, name) in calls.Functions)
        {
            schemas[i] = schema;
            names[i++] = name;
        }

        var command = new NpgsqlCommand(Sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("schemas", schemas));
            command.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
            command.Parameters.Add(new NpgsqlParameter<string[]>("operators", [.. calls.Operators]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("harmless", s_harmless));
            var found = new List<string>();
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) found.Add(reader.GetString(0));
            }

            found.Sort(StringComparer.Ordinal);
            return found;
        }
    }
}
