using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using QueryWatch.Rules;

namespace QueryWatch.Diagnostics;

/// <summary>
/// Events whose properties are present only when known (issue #18): an absent query id or context is absent from
/// the message and from the properties, never an empty gap. 2005 and 3002 have one [LoggerMessage] variant without
/// <c>QueryId</c>; the finding event (3001) has six optional properties, 64 variants as [LoggerMessage] methods, so
/// it builds the same kind of state the generator emits (a property list plus <c>{OriginalFormat}</c>) itself.
/// </summary>
internal static partial class Log
{
#pragma warning disable SYSLIB1006 // one event, two templates: the variant without the absent property
    [LoggerMessage(EventId = QueryWatchEventId.ExplainCompleted, EventName = nameof(ExplainCompleted), Level = LogLevel.Debug,
        Message = "Explained command {Fingerprint} ({Outcome}, {DurationMs} ms): statement {StatementIndex}, analyze {Analyze}, {FindingCount} findings, in {ExplainMs} ms")]
    private static partial void ExplainCompletedWithoutQueryId(ILogger logger, string fingerprint, string outcome, long durationMs, int statementIndex, bool analyze, int findingCount, long explainMs);

    [LoggerMessage(EventId = QueryWatchEventId.MostExpensiveNode, EventName = nameof(MostExpensiveNode), Level = LogLevel.Warning,
        Message = "{Outcome} command {Fingerprint} ({DurationMs} ms) raised no finding; its most expensive plan node is {Node} ({NodeType}, total cost {TotalCost}). SQL: {Sql}")]
    private static partial void MostExpensiveNodeWithoutQueryId(ILogger logger, string outcome, string fingerprint, long durationMs, string node, string nodeType, double totalCost, string sql);
#pragma warning restore SYSLIB1006

    /// <summary>2005, with <c>QueryId</c> only when the server gave one.</summary>
    public static void ExplainCompletedEvent(ILogger logger, string fingerprint, string outcome, long durationMs, int statementIndex, bool analyze, int findingCount, string? queryId, long explainMs)
    {
        if (queryId is null) ExplainCompletedWithoutQueryId(logger, fingerprint, outcome, durationMs, statementIndex, analyze, findingCount, explainMs);
        else ExplainCompleted(logger, fingerprint, outcome, durationMs, statementIndex, analyze, findingCount, queryId, explainMs);
    }

    /// <summary>3002, with <c>QueryId</c> only when the server gave one.</summary>
    public static void MostExpensiveNodeEvent(ILogger logger, string outcome, string fingerprint, long durationMs, string? queryId, string node, string nodeType, double totalCost, string sql)
    {
        if (queryId is null) MostExpensiveNodeWithoutQueryId(logger, outcome, fingerprint, durationMs, node, nodeType, totalCost, sql);
        else MostExpensiveNode(logger, outcome, fingerprint, durationMs, queryId, node, nodeType, totalCost, sql);
    }

    private static readonly EventId s_findingEvent = new(QueryWatchEventId.Finding, "Finding");

    /// <summary>
    /// 3001: one finding, with <c>QueryId</c>, the context (<c>CommandSource</c>, <c>DbContext</c>, <c>Tag</c>,
    /// <c>Operation</c>, <c>TraceId</c>) and the impact (<c>Calls</c>, <c>TotalTimeMs</c>, <c>CancelledCount</c>) as
    /// properties and in the message only when known. The caller checks IsEnabled.
    /// </summary>
    public static void Finding(ILogger logger, LogLevel level, string ruleId, string ruleName, RuleSeverity severity, FindingBasis basis, string fingerprint, string? queryId,
        long durationMs, string outcome, string node, string message, string suggestion, string sql, FindingContext context, FindingImpact impact = default)
    {
        var state = new FindingState();
        state.Text("").Add("RuleId", ruleId).Text(" ").Add("RuleName", ruleName).Text(" (").Add("Severity", severity).Text(", ").Add("Basis", basis)
            .Text(") in ").Add("Outcome", outcome).Text(" command ").Add("Fingerprint", fingerprint).Text(" (").Add("DurationMs", durationMs).Text(" ms");
        if (queryId is not null) state.Text(", query id ").Add("QueryId", queryId);
        state.Text(") at ").Add("Node", node).Text(": ").Add("Message", message).Text(" Fix: ").Add("Suggestion", suggestion).Text(" SQL: ").Add("Sql", sql);
        state.SentBy(context);
        // Issue #14: the statement's cost beyond this capture, each figure only when known.
        var first = true;
        void Impact(string name, object? value, string unit)
        {
            if (value is null) return;
            state.Text(first ? " Impact: " : ", ").Text(name).Text(" ").Add(name, value).Text(unit);
            first = false;
        }
        Impact("Calls", impact.Calls, "");
        Impact("TotalTimeMs", impact.TotalTimeMs is { } total ? Math.Round(total, 1) : null, " ms");
        Impact("CancelledCount", impact.CancelledCount, "");
        if (!first) state.Text(".");
        logger.Log(level, s_findingEvent, state.Seal(), null, static (s, _) => s.ToString());
    }

    /// <summary>The structured state of a finding event: its present properties, then <c>{OriginalFormat}</c>.</summary>
    private sealed class FindingState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _properties = new(18);
        private readonly StringBuilder _template = new(256);
        private readonly StringBuilder _message = new(512);

        public FindingState Text(string text)
        {
            _template.Append(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            _message.Append(text);
            return this;
        }

        public FindingState Add(string name, object value)
        {
            _properties.Add(new(name, value));
            _template.Append('{').Append(name).Append('}');
            _message.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            return this;
        }

        /// <summary>" Sent by DbContext X, CommandSource Y, …." with each context property only when known; nothing when none is.</summary>
        public FindingState SentBy(FindingContext context)
        {
            var first = true;
            void Property(string name, string? value)
            {
                if (value is null) return;
                Text(first ? " Sent by " : ", ").Text(name).Text(" ").Add(name, value);
                first = false;
            }

            Property("DbContext", context.DbContextType);
            Property("CommandSource", context.CommandSource);
            Property("Tag", context.Tag);
            Property("Operation", context.Operation);
            Property("TraceId", context.TraceId);
            if (!first) Text(".");
            return this;
        }

        public FindingState Seal()
        {
            _properties.Add(new("{OriginalFormat}", _template.ToString()));
            return this;
        }

        public KeyValuePair<string, object?> this[int index] => _properties[index];

        public int Count => _properties.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => _message.ToString();
    }
}

/// <summary>Which code sent a captured command: each null when unknown, and then absent from the finding event.</summary>
internal readonly record struct FindingContext(string? CommandSource, string? DbContextType, string? Tag, string? Operation, string? TraceId);
