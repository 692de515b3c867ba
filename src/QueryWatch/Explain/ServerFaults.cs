using System.Text.RegularExpressions;
using Npgsql;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Reads two of the server's answers the worker must not treat as a plain failure (issue #16): a
/// refusal (42501), turned into the GRANT that would allow it, and a missing relation (42P01) that is
/// the application's temporary table, which the worker's own session can never see.
/// </summary>
internal sealed partial class ServerFaults(NpgsqlDataSource dataSource)
{
    private const int MaxRemembered = 1_000;
    private readonly HashSet<string> _namedGrants = new(StringComparer.Ordinal);
    private string? _role;

    /// <summary>What was refused and the GRANT that allows it; <see cref="Refusal.FirstTime"/> is true once per GRANT.</summary>
    public async Task<Refusal> DescribeRefusalAsync(PostgresException e, SqlStatementKind kind, CancellationToken ct)
    {
        var role = await RoleAsync(ct).ConfigureAwait(false);
        // PostgreSQL's aclcheck_error messages, as the server prints them with lc_messages English
        // (https://github.com/postgres/postgres/blob/REL_15_STABLE/src/backend/catalog/aclchk.c); another
        // language leaves the object unnamed and the GRANT general.
        var column = ColumnRefusal().Match(e.MessageText);
        Refusal refusal;
        if (column.Success)
        {
            var table = Quote(column.Groups[2].Value);
            refusal = new Refusal(role, "column", table + "." + Quote(column.Groups[1].Value),
                "GRANT SELECT (" + Quote(column.Groups[1].Value) + ") ON TABLE " + table + " TO " + Quote(role), false);
        }
        else if (ObjectRefusal().Match(e.MessageText) is { Success: true } match)
        {
            var objectKind = match.Groups[1].Value;
            var name = Quote(match.Groups[2].Value);
            var grant = objectKind switch
            {
                "table" or "view" or "materialized view" or "foreign table" => "GRANT " + TablePrivileges(kind) + " ON TABLE " + name,
                "sequence" => "GRANT USAGE, SELECT ON SEQUENCE " + name,
                "schema" => "GRANT USAGE ON SCHEMA " + name,
                "function" => "GRANT EXECUTE ON FUNCTION " + name,
                "procedure" => "GRANT EXECUTE ON PROCEDURE " + name,
                "type" => "GRANT USAGE ON TYPE " + name,
                "database" => "GRANT CONNECT ON DATABASE " + name,
                _ => "GRANT the privilege on " + objectKind + " " + name,
            };
            refusal = new Refusal(role, objectKind, name, grant + " TO " + Quote(role), false);
        }
        else
        {
            refusal = new Refusal(role, "an object", "(named in the server's log)", "the GRANT error 42501 names in the server's log, TO " + Quote(role), false);
        }

        if (_namedGrants.Count >= MaxRemembered) _namedGrants.Clear();
        return refusal with { FirstTime = _namedGrants.Add(refusal.Grant) };
    }

    /// <summary>
    /// True when the relation 42P01 names is session-local: the statement says pg_temp, or the only
    /// relation of that name is some session's temporary table (pg_class lists other sessions' too).
    /// </summary>
    public async Task<bool> IsSessionLocalAsync(string statement, PostgresException e, CancellationToken ct)
    {
        if (statement.Contains("pg_temp", StringComparison.OrdinalIgnoreCase)) return true;
        var match = MissingRelation().Match(e.MessageText);
        if (!match.Success) return false;
        var name = match.Groups[1].Value;
        var dot = name.LastIndexOf('.');
        if (dot >= 0) return false;
        try
        {
            var command = dataSource.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relname = $1 AND n.nspname LIKE 'pg\\_temp\\_%')");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = name });
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<string> RoleAsync(CancellationToken ct)
    {
        if (_role is not null) return _role;
        if (new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Username is { Length: > 0 } configured) return _role = configured;
        try
        {
            var command = dataSource.CreateCommand("SELECT current_user");
            await using (command.ConfigureAwait(false))
            {
                return _role = await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string ?? "the explain role";
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return "the explain role";
        }
    }

    /// <summary>EXPLAIN checks the privileges the statement itself needs when the executor starts.</summary>
    private static string TablePrivileges(SqlStatementKind kind) => kind switch
    {
        SqlStatementKind.Insert => "SELECT, INSERT",
        SqlStatementKind.Update => "SELECT, UPDATE",
        SqlStatementKind.Delete => "SELECT, DELETE",
        SqlStatementKind.Merge => "SELECT, INSERT, UPDATE, DELETE",
        _ => "SELECT",
    };

    /// <summary>An identifier as SQL needs it: bare when it is lower-case and plain, else double-quoted.</summary>
    internal static string Quote(string identifier)
        => PlainIdentifier().IsMatch(identifier) ? identifier : "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^[a-z_][a-z0-9_$]*$")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex(@"^permission denied for (table|view|materialized view|foreign table|sequence|schema|function|procedure|type|database|language|tablespace) (.+)$")]
    private static partial Regex ObjectRefusal();

    [GeneratedRegex("^permission denied for column \"(.+)\" of relation \"(.+)\"$")]
    private static partial Regex ColumnRefusal();

    [GeneratedRegex("^relation \"(.+)\" does not exist$")]
    private static partial Regex MissingRelation();

    /// <summary>One refusal as the worker reports it.</summary>
    internal sealed record Refusal(string Role, string ObjectKind, string ObjectName, string Grant, bool FirstTime);
}
