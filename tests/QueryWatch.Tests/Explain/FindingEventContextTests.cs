using System.Diagnostics;
using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>
/// Finding events (3001, 3002) and the explain event (2005) say only what is known (issue #18): no query id, no
/// context, no property and no gap in the message; present, a property each.
/// </summary>
public sealed class FindingEventContextTests
{
    private const string SeqScan = """
        Seq Scan on items  (cost=0.00..20000.00 rows=1 width=4) (actual time=0.010..150.000 rows=0 loops=1)
          Filter: (note = 'x'::text)
          Rows Removed by Filter: 1000000
        Planning Time: 0.100 ms
        Execution Time: 150.000 ms
        """;

    private static (CapturingLogger Logger, Activity Span) Report(CapturedCommand command, string? queryId)
    {
        var plan = PlanReader.Read(SeqScan);
        var logger = new CapturingLogger();
        var span = new Activity("explain").Start();
        var fingerprint = SqlFingerprint.Compute(command.Sql);
        var reporter = new FindingReporter(logger, logParameterValues: false);
        reporter.Report(command, fingerprint, queryId, new RuleEngine().Analyze(plan), span);
        reporter.ReportMostExpensiveNode(command, fingerprint, queryId, plan);
        Log.ExplainCompletedEvent(logger, fingerprint.IdHex, "Slow", 150, 0, true, 1, queryId, 3);
        span.Stop();
        return (logger, span);
    }

    private static CapturedCommand Command(string? source = null, string? tag = null, string? dbContext = null, string? operation = null) =>
        new CapturedCommand("SELECT * FROM items WHERE note = 'x'", [], CommandOutcome.Slow, TimeSpan.FromMilliseconds(150), source, tag, default, DateTimeOffset.UtcNow)
        { DbContextType = dbContext, Operation = operation };

    [Fact]
    public void Events_without_a_query_id_or_context_have_no_such_property_and_no_gap()
    {
        var (logger, span) = Report(Command(), queryId: null);

        foreach (var id in new[] { QueryWatchEventId.Finding, QueryWatchEventId.MostExpensiveNode, QueryWatchEventId.ExplainCompleted })
        {
            var e = Assert.Single(logger.Events, e => e.Id == id);
            Assert.DoesNotContain(e.Properties, p => p.Key is "QueryId" or "CommandSource" or "DbContext" or "Tag" or "Operation" or "TraceId");
            Assert.DoesNotContain("query id", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(" )", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("  ", e.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(span.Events.SelectMany(e => e.Tags), t => t.Key is "querywatch.tag" or "querywatch.operation" or "querywatch.trace_id");
        span.Dispose();
    }

    [Fact]
    public void Finding_with_a_query_id_and_context_carries_each_as_a_property_and_span_tag()
    {
        var (logger, span) = Report(Command("LinqQuery", "-- items report\n-- file: /src/Items.cs:42", "ItemsContext", "GET /items"), queryId: "-123");

        var finding = Assert.Single(logger.Events, e => e.Id == QueryWatchEventId.Finding);
        var properties = finding.Properties.ToDictionary(p => p.Key, p => p.Value?.ToString());
        Assert.Equal("-123", properties["QueryId"]);
        Assert.Equal("LinqQuery", properties["CommandSource"]);
        Assert.Equal("ItemsContext", properties["DbContext"]);
        Assert.Equal("items report; file: /src/Items.cs:42", properties["Tag"]);
        Assert.Equal("GET /items", properties["Operation"]);
        Assert.Contains("{QueryId}", properties["{OriginalFormat}"], StringComparison.Ordinal);
        Assert.Contains("query id -123", finding.Message, StringComparison.Ordinal);
        Assert.Contains(span.Events.SelectMany(e => e.Tags), t => t.Key == "querywatch.tag" && (string?)t.Value == "items report; file: /src/Items.cs:42");
        span.Dispose();
    }

    [Fact]
    public void Quoted_text_in_a_tag_is_redacted_unless_values_may_be_logged()
    {
        var (logger, span) = Report(Command(tag: "-- export for 'acme corp'"), queryId: null);

        var finding = Assert.Single(logger.Events, e => e.Id == QueryWatchEventId.Finding);
        Assert.DoesNotContain("acme", finding.Properties.Single(p => p.Key == "Tag").Value?.ToString(), StringComparison.Ordinal);
        span.Dispose();
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(int Id, string Message, IReadOnlyList<KeyValuePair<string, object?>> Properties)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Add((eventId.Id, formatter(state, exception), state is IEnumerable<KeyValuePair<string, object?>> p ? [.. p] : []));
    }
}
