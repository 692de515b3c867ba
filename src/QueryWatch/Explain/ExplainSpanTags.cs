using System.Diagnostics;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The explain span's tags by OpenTelemetry's stable database semantic conventions
/// (https://opentelemetry.io/docs/specs/semconv/database/postgresql/), beside QueryWatch's own <c>querywatch.*</c>
/// tags: a backend that groups database spans by them shows QueryWatch's span beside Npgsql's for the same command.
/// </summary>
internal static class ExplainSpanTags
{
    /// <summary>PostgreSQL's SQLSTATE for a statement ended by a cancel request or statement_timeout (query_canceled).</summary>
    public const string QueryCanceledSqlState = "57014";

    /// <summary>
    /// <c>db.system.name</c>, <c>db.namespace</c> (the database), <c>db.query.text</c> (normalized: constants
    /// replaced, unless values may be logged), <c>db.query.summary</c> and, for a command that was cancelled or
    /// timed out, <c>db.response.status_code</c> 57014.
    /// </summary>
    public static void Set(Activity activity, CapturedCommand command, string database, bool logParameterValues)
    {
        activity.SetTag("db.system.name", "postgresql");
        if (database.Length > 0) activity.SetTag("db.namespace", database);
        activity.SetTag("db.query.text", logParameterValues ? command.Sql : SqlFingerprint.Compute(command.Sql).Normalized);
        activity.SetTag("db.query.summary", Summary(command.Sql));
        if (command.Outcome is CommandOutcome.Cancelled or CommandOutcome.TimedOut) activity.SetTag("db.response.status_code", QueryCanceledSqlState);
    }

    /// <summary>One statement's summary, or a batch's distinct summaries joined by "; " in order.</summary>
    internal static string? Summary(string sql)
    {
        var statements = SqlStatementSplitter.Split(sql);
        if (statements.Count == 1) return SqlQuerySummary.Of(statements[0].Text);
        var summaries = new List<string>(statements.Count);
        foreach (var statement in statements)
        {
            if (SqlQuerySummary.Of(statement.Text) is { } summary && !summaries.Contains(summary)) summaries.Add(summary);
        }
        return summaries.Count == 0 ? null : string.Join("; ", summaries);
    }
}
