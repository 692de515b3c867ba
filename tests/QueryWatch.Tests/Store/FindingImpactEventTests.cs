using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Store;

/// <summary>The finding event's impact (issue #14): Calls, TotalTimeMs and CancelledCount, each present only when known.</summary>
public sealed class FindingImpactEventTests
{
    private const string SeqScan = """
        Seq Scan on items  (cost=0.00..20000.00 rows=1 width=4) (actual time=0.010..150.000 rows=0 loops=1)
          Filter: (note = 'x'::text)
          Rows Removed by Filter: 1000000
        Planning Time: 0.100 ms
        Execution Time: 150.000 ms
        """;

    private static (int Id, string Message, Dictionary<string, object?> Properties) Report(FindingImpact impact)
    {
        var plan = PlanReader.Read(SeqScan);
        var logger = new CapturingLogger();
        var command = new CapturedCommand("SELECT * FROM items WHERE note = 'x'", [], CommandOutcome.Slow, TimeSpan.FromMilliseconds(150), null, null, default, DateTimeOffset.UtcNow);
        new FindingReporter(logger, logParameterValues: false).Report(command, SqlFingerprint.Compute(command.Sql), "-123", new RuleEngine().Analyze(plan), null, impact);
        var e = Assert.Single(logger.Events, e => e.Id == QueryWatchEventId.Finding);
        return (e.Id, e.Message, e.Properties.ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public void Known_impact_is_a_property_each_and_in_the_message()
    {
        var (_, message, properties) = Report(new FindingImpact(Calls: 4, TotalTimeMs: 123.456, CancelledCount: 2));

        Assert.Equal(4L, properties["Calls"]);
        Assert.Equal(123.5, properties["TotalTimeMs"]);
        Assert.Equal(2L, properties["CancelledCount"]);
        Assert.Contains("{Calls}", (string)properties["{OriginalFormat}"]!, StringComparison.Ordinal);
        Assert.EndsWith("Impact: Calls 4, TotalTimeMs 123.5 ms, CancelledCount 2.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_calls_and_time_are_absent_with_no_gap_and_the_cancelled_count_stays()
    {
        var (_, message, properties) = Report(new FindingImpact(Calls: null, TotalTimeMs: null, CancelledCount: 3));

        Assert.DoesNotContain("Calls", properties.Keys);
        Assert.DoesNotContain("TotalTimeMs", properties.Keys);
        Assert.Equal(3L, properties["CancelledCount"]);
        Assert.EndsWith("Impact: CancelledCount 3.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("  ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_impact_at_all_leaves_no_trace_in_the_event()
    {
        var (_, message, properties) = Report(default);

        Assert.DoesNotContain(properties.Keys, k => k is "Calls" or "TotalTimeMs" or "CancelledCount");
        Assert.DoesNotContain("Impact", message, StringComparison.Ordinal);
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
