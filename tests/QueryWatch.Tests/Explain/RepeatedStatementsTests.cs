using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>
/// The per-DbContext count behind QW027 repeated-statement (issue #13 part 5), without a database: an owner stands
/// for a DbContext instance, a lease for its pool lease, and the text is one string instance as EF caches it.
/// </summary>
public sealed class RepeatedStatementsTests
{
    private static readonly TimeSpan s_ms = TimeSpan.FromMilliseconds(1);

    // A new string instance each call, as EF builds one text per query shape (never a literal: literals are interned).
    private static string Text(string sql) => new(sql.AsSpan());

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> s_ids = new();

    // An owner's id, as EF's DbContextId.InstanceId is one per DbContext instance.
    private static Guid IdOf(object owner) => (Guid)s_ids.GetValue(owner, static _ => Guid.NewGuid());

    private static int Run(RepeatedStatements counter, object owner, string text, int times, int lease = 0, TimeSpan? each = null)
    {
        var reports = 0;
        for (var i = 0; i < times; i++)
            if (counter.Count(owner, IdOf(owner), lease, text, each ?? s_ms, out _)) reports++;
        return reports;
    }

    [Fact]
    public void Statement_is_reported_once_when_its_count_reaches_the_threshold_with_the_time_they_took_together()
    {
        var counter = new RepeatedStatements(20);
        var owner = new object();
        var text = Text("SELECT * FROM items WHERE id = @p0");

        Assert.Equal(0, Run(counter, owner, text, 19, each: TimeSpan.FromMilliseconds(2)));
        Assert.True(counter.Count(owner, IdOf(owner), 0, text, TimeSpan.FromMilliseconds(2), out var total));
        Assert.Equal(TimeSpan.FromMilliseconds(40), total);
        Assert.Equal(0, Run(counter, owner, text, 30));
    }

    [Fact]
    public void Nineteen_executions_are_not_reported()
    {
        var counter = new RepeatedStatements(20);

        Assert.Equal(0, Run(counter, new object(), Text("SELECT 1"), 19));
    }

    [Fact]
    public void Two_owners_with_fifteen_each_are_not_reported()
    {
        var counter = new RepeatedStatements(20);
        var text = Text("SELECT * FROM items WHERE id = @p0");

        Assert.Equal(0, Run(counter, new object(), text, 15));
        Assert.Equal(0, Run(counter, new object(), text, 15));
    }

    [Fact]
    public void Owners_alternating_on_one_thread_keep_their_own_counts()
    {
        var counter = new RepeatedStatements(20);
        var other = new RepeatedStatements(20);
        object first = new(), second = new();
        var text = Text("SELECT * FROM items WHERE id = @p0");
        var reports = 0;

        for (var i = 0; i < 19; i++)
        {
            if (counter.Count(first, IdOf(first), 0, text, s_ms, out _)) reports++;
            if (counter.Count(second, IdOf(second), 0, text, s_ms, out _)) reports++;
            if (other.Count(first, IdOf(first), 0, text, s_ms, out _)) reports++;
        }
        Assert.Equal(0, reports);

        Assert.True(counter.Count(first, IdOf(first), 0, text, s_ms, out _));
        Assert.True(counter.Count(second, IdOf(second), 0, text, s_ms, out _));
        Assert.True(other.Count(first, IdOf(first), 0, text, s_ms, out _));
    }

    [Fact]
    public void Each_owner_is_reported_once_for_the_same_statement()
    {
        var counter = new RepeatedStatements(20);
        var text = Text("SELECT * FROM items WHERE id = @p0");

        Assert.Equal(1, Run(counter, new object(), text, 50));
        Assert.Equal(1, Run(counter, new object(), text, 50));
    }

    [Fact]
    public void New_lease_of_a_pooled_owner_starts_counting_afresh()
    {
        var counter = new RepeatedStatements(20);
        var owner = new object();
        var text = Text("SELECT * FROM items WHERE id = @p0");

        Assert.Equal(0, Run(counter, owner, text, 15, lease: 1));
        Assert.Equal(0, Run(counter, owner, text, 15, lease: 2));
        Assert.Equal(1, Run(counter, owner, text, 25, lease: 3));
        // Reported in lease 3; lease 4 is another request and is reported again.
        Assert.Equal(1, Run(counter, owner, text, 20, lease: 4));
    }

    [Fact]
    public void Equal_text_in_another_string_instance_is_counted_apart()
    {
        var counter = new RepeatedStatements(20);
        var owner = new object();

        Assert.Equal(0, Run(counter, owner, Text("SELECT 1"), 10));
        Assert.Equal(0, Run(counter, owner, Text("SELECT 1"), 10));
    }

    [Fact]
    public void Interleaved_statements_are_counted_each_on_their_own()
    {
        var counter = new RepeatedStatements(20);
        var owner = new object();
        string[] texts = [Text("SELECT a"), Text("SELECT b"), Text("SELECT c")];
        var reported = new int[texts.Length];

        for (var round = 0; round < 25; round++)
            for (var t = 0; t < texts.Length; t++)
                if (counter.Count(owner, IdOf(owner), 0, texts[t], s_ms, out _)) reported[t]++;

        Assert.Equal([1, 1, 1], reported);
    }

    [Fact]
    public void Repeated_statement_among_many_others_is_still_reported_and_the_table_stays_bounded()
    {
        var counter = new RepeatedStatements(20);
        var owner = new object();
        var repeated = Text("SELECT * FROM items WHERE id = @p0");
        var reports = 0;

        for (var i = 0; i < 20; i++)
        {
            // Two statements the loop sends once each (SaveChanges batches build a new text every time).
            counter.Count(owner, IdOf(owner), 0, Text("UPDATE items SET name = @p" + i), s_ms, out _);
            counter.Count(owner, IdOf(owner), 0, Text("INSERT INTO log VALUES (@p" + i + ")"), s_ms, out _);
            if (counter.Count(owner, IdOf(owner), 0, repeated, s_ms, out _)) reports++;
        }

        Assert.Equal(1, reports);
        var counts = new StatementCounts();
        for (var i = 0; i < 1_000; i++) counts.Count(0, Text("SELECT " + i), 1, 20, out _);
        Assert.Equal(StatementCounts.MaxSlots, counts.Capacity);
    }

    [Fact]
    public void Report_logs_a_finding_event_with_the_count_the_total_and_the_normalized_sql_only()
    {
        var logger = new CapturingLogger();
        var report = new RepeatedStatementReport(logger, new QueryWatchOptions(), "-- orders 'secret-tag'\nSELECT * FROM items WHERE id = @p0 AND note = 'secret-literal'", 20,
            TimeSpan.FromMilliseconds(42.7), new FindingContext("LinqQuery", "ItemsContext", "-- orders 'secret-tag'", "GET /orders/{id}", "0af7651916cd43dd8448eb211c80319c"));

        report.Report();

        var e = Assert.Single(logger.Events);
        Assert.Equal(QueryWatchEventId.Finding, e.Id);
        var p = e.Properties.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("QW027", p["RuleId"]);
        Assert.Equal("repeated-statement", p["RuleName"]);
        Assert.Equal(RuleSeverity.Warning, p["Severity"]);
        Assert.Equal(FindingBasis.Observed, p["Basis"]);
        Assert.Equal("Repeated", p["Outcome"]);
        Assert.Equal(20, p["Count"]);
        Assert.Equal(42L, p["DurationMs"]);
        Assert.Equal("GET /orders/{id}", p["Operation"]);
        Assert.Equal("ItemsContext", p["DbContext"]);
        Assert.Equal("LinqQuery", p["CommandSource"]);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", p["TraceId"]);
        Assert.Contains("ANY(@ids)", (string)p["Suggestion"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("Node", p.Keys);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.All(p.Values, v => Assert.DoesNotContain("secret", v?.ToString() ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_is_counted_on_the_meter_by_rule()
    {
        long counted = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "QueryWatch" && instrument.Name == "querywatch.findings") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "rule" && (string?)tag.Value == "QW027") Interlocked.Add(ref counted, value);
        });
        listener.Start();

        new RepeatedStatementReport(new CapturingLogger(), new QueryWatchOptions(), "SELECT 1", 20, s_ms, default).Report();

        Assert.True(Interlocked.Read(ref counted) >= 1);
    }

    [Fact]
    public void Report_of_a_rule_turned_off_logs_nothing_and_a_severity_override_sets_the_level()
    {
        var off = new QueryWatchOptions();
        off.Rules["repeated-statement"] = new RuleOptions { Enabled = false };
        var quiet = new CapturingLogger();
        new RepeatedStatementReport(quiet, off, "SELECT 1", 20, s_ms, default).Report();
        Assert.Empty(quiet.Events);

        var info = new QueryWatchOptions();
        info.Rules["QW027"] = new RuleOptions { Severity = RuleSeverity.Info };
        var logger = new CapturingLogger();
        new RepeatedStatementReport(logger, info, "SELECT 1", 20, s_ms, default).Report();
        var e = Assert.Single(logger.Events);
        Assert.Equal(LogLevel.Information, e.Level);
        Assert.DoesNotContain(e.Properties, kv => kv.Key is "Operation" or "DbContext" or "Tag" or "TraceId" or "CommandSource");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Threshold_below_two_other_than_zero_is_invalid(int threshold)
    {
        var error = Assert.Single(QueryWatchOptionsValidator.Check(new QueryWatchOptions { RepeatedStatementThreshold = threshold }));

        Assert.Contains("QueryWatchOptions.RepeatedStatementThreshold", error, StringComparison.Ordinal);
        Assert.Contains(": set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_defaults_to_twenty_and_zero_is_valid()
    {
        Assert.Equal(20, new QueryWatchOptions().RepeatedStatementThreshold);
        Assert.Empty(QueryWatchOptionsValidator.Check(new QueryWatchOptions { RepeatedStatementThreshold = 0 }));
    }

    [Fact]
    public void Catalogue_lists_the_rule_and_a_plan_never_raises_it()
    {
        var rule = Assert.Single(RuleCatalogue.All, r => r.Id == "QW027");
        Assert.Equal("repeated-statement", rule.Name);

        var plan = QueryWatch.Plans.PlanReader.Read("Seq Scan on items  (cost=0.00..20000.00 rows=1000000 width=4)");
        Assert.DoesNotContain(new RuleEngine(new Dictionary<string, RuleOptions>()).Analyze(plan), f => f.RuleId == "QW027");
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Properties)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Add((eventId.Id, logLevel, formatter(state, exception), state is IEnumerable<KeyValuePair<string, object?>> p ? [.. p] : []));
    }
}
