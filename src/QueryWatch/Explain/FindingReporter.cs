using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Turns findings into log events, meter counts and span events. The one place that decides what reaches the logs:
/// unless <see cref="QueryWatchOptions.LogParameterValues"/> is on, every finding passes <see cref="FindingRedactor"/> first.
/// </summary>
internal sealed class FindingReporter(ILogger logger, bool logParameterValues)
{
    /// <summary>Logs, counts and adds to <paramref name="activity"/> each finding; returns them as reported (redacted unless values may be logged).</summary>
    public IReadOnlyList<Finding> Report(CapturedCommand command, SqlFingerprint fingerprint, string? queryId, IReadOnlyList<Finding> findings, Activity? activity,
        FindingImpact impact = default)
    {
        var reported = new List<Finding>(findings.Count);
        var outcome = command.Outcome.ToString();
        var durationMs = (long)command.Duration.TotalMilliseconds;
        // The tag is the developer's own comment (TagWith, TagWithCallSite's file:line): redacted like any text.
        var tag = TagText(command.Tag);
        if (tag is not null && !logParameterValues) tag = FindingRedactor.RedactText(tag);
        var context = new FindingContext(command.CommandSource, command.DbContextType, tag, command.Operation, command.TraceId);
        foreach (var raw in findings)
        {
            // Every sink below reads the redacted finding: no rule's wording can put a value in a log.
            var finding = logParameterValues ? raw : FindingRedactor.Redact(raw);
            reported.Add(finding);
            QueryWatchMetrics.FindingLogged(finding.RuleId);
            var level = Log.LevelOf(finding.Severity);
            if (logger.IsEnabled(level))
            {
                Log.Finding(logger, level, finding.RuleId, finding.RuleName, finding.Severity, finding.Basis, fingerprint.IdHex, queryId,
                    durationMs, outcome, finding.NodePath, finding.Message, finding.Suggestion, fingerprint.Normalized, context, impact);
            }

            if (activity is null) continue;
            var tags = new ActivityTagsCollection
            {
                ["querywatch.rule_id"] = finding.RuleId,
                ["querywatch.rule_name"] = finding.RuleName,
                ["querywatch.severity"] = finding.Severity.ToString(),
                ["querywatch.basis"] = finding.Basis.ToString(),
                ["querywatch.node"] = finding.NodePath,
                ["querywatch.fingerprint"] = fingerprint.IdHex,
                // The statement the finding is about, by OpenTelemetry's database conventions: a batch's span has several.
                ["db.query.text"] = fingerprint.Normalized,
                ["db.query.summary"] = SqlQuerySummary.Of(fingerprint.Normalized),
            };
            // Context tags only when known: an absent value is absent.
            if (context.CommandSource is { } source) tags["querywatch.command_source"] = source;
            if (context.DbContextType is { } dbContext) tags["querywatch.db_context"] = dbContext;
            if (context.Tag is { } text) tags["querywatch.tag"] = text;
            if (context.Operation is { } operation) tags["querywatch.operation"] = operation;
            if (context.TraceId is { } traceId) tags["querywatch.trace_id"] = traceId;
            activity.AddEvent(new ActivityEvent("querywatch.finding", tags: tags));
        }

        return reported;
    }

    /// <summary>
    /// The <c>TagWith</c> text as the developer wrote it: the leading comment lines without their <c>--</c>, joined by
    /// "; " (EF's <c>TagWithCallSite</c> adds a <c>file: path:line</c> line). Null when there is none.
    /// </summary>
    internal static string? TagText(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var text = new StringBuilder(tag.Length);
        foreach (var raw in tag.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("--", StringComparison.Ordinal)) line = line[2..].Trim();
            if (line.Length == 0) continue;
            if (text.Length > 0) text.Append("; ");
            text.Append(line);
        }
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>For a cancelled or timed-out command the rules said nothing about: where its plan spends most.</summary>
    public void ReportMostExpensiveNode(CapturedCommand command, SqlFingerprint fingerprint, string? queryId, Plan plan)
    {
        PlanNode? worst = null;
        foreach (var node in plan.Nodes)
        {
            if (worst is null || (node.ExclusiveCost ?? 0) > (worst.ExclusiveCost ?? 0)) worst = node;
        }

        if (worst is null || !logger.IsEnabled(LogLevel.Warning)) return;
        var path = PlanPath.Of(worst);
        Log.MostExpensiveNodeEvent(logger, command.Outcome.ToString(), fingerprint.IdHex, (long)command.Duration.TotalMilliseconds, queryId,
            logParameterValues ? path : FindingRedactor.RedactPlanText(worst, path), worst.NodeType, worst.TotalCost ?? 0, fingerprint.Normalized);
    }

    /// <summary>The statement as sent, with its values: only when the user opted in.</summary>
    public void ReportValues(CapturedCommand command, SqlFingerprint fingerprint, string statementText)
    {
        if (!logParameterValues || !logger.IsEnabled(LogLevel.Information)) return;
        var text = new StringBuilder();
        foreach (var parameter in command.Parameters)
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(parameter.Name).Append('=').Append(Convert.ToString(parameter.Value, CultureInfo.InvariantCulture));
        }

        Log.CommandValues(logger, fingerprint.IdHex, statementText, text.ToString());
    }
}
