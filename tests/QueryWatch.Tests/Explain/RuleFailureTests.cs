using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>A rule that throws is counted on the Meter and logged once per rule, and costs only its own findings (issue #18).</summary>
public sealed class RuleFailureTests
{
    private const string Sql = "SELECT id FROM t WHERE a = 5";
    private const string PlanJson = """
        [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Alias": "t", "Startup Cost": 0.0, "Total Cost": 10.0, "Plan Rows": 1, "Plan Width": 4}}]
        """;

    [Fact]
    public void Throwing_rule_is_counted_each_time_and_logged_once_with_the_statement_fingerprint()
    {
        var logger = new RecordingLogger();
        var analyzer = new RuleEnginePlanAnalyzer(new Dictionary<string, RuleOptions>(), logger, [new ThrowingRule(), new QuietRule()]);
        var counted = new List<(long Value, object? Rule)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueryWatchMetrics.MeterName && instrument.Name == "querywatch.rules.failed") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "rule" && Equals(tag.Value, "QW998")) lock (counted) counted.Add((value, tag.Value));
        });
        listener.Start();
        var plan = PlanReader.Read(PlanJson);

        var first = analyzer.Analyze(plan, Sql);
        var second = analyzer.Analyze(plan, Sql);

        Assert.Equal(2, counted.Count);
        var logged = Assert.Single(logger.Events);
        Assert.Equal(QueryWatchEventId.RuleFailed, logged.Id.Id);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("QW998", logged.Properties["RuleId"]);
        Assert.Equal("throwing-example", logged.Properties["RuleName"]);
        Assert.Equal(SqlFingerprint.Compute(Sql).IdHex, logged.Properties["Fingerprint"]);
        Assert.Equal(nameof(InvalidOperationException), logged.Properties["ExceptionType"]);
        // The other rule's finding survives the failure.
        Assert.Equal("QW997", Assert.Single(first).RuleId);
        Assert.Equal("QW997", Assert.Single(second).RuleId);
    }

    private sealed class ThrowingRule : IPlanRule
    {
        public string Id => "QW998";
        public string Name => "throwing-example";
        public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
        public string Summary => "Throws on every node.";
        public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>();
        public void Inspect(RuleContext context, PlanNode node) => throw new InvalidOperationException("a value 42 from the plan");
    }

    private sealed class QuietRule : IPlanRule
    {
        public string Id => "QW997";
        public string Name => "reporting-example";
        public RuleSeverity DefaultSeverity => RuleSeverity.Info;
        public string Summary => "Reports every node.";
        public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>();
        public void Inspect(RuleContext context, PlanNode node) => context.Report(node, "a node", "nothing to do", []);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, EventId Id, Dictionary<string, object?> Properties)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (key, value) in pairs) properties[key] = value;
            Events.Add((logLevel, eventId, properties));
        }
    }
}
