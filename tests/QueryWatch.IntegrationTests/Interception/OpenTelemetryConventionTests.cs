using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// OpenTelemetry by its conventions (issue #14 part 4): the explain span and its finding events carry the stable
/// database attributes, the span links to the application's, and no metric tag can grow with the statements seen.
/// Spans and measurements are read through the plain System.Diagnostics listeners an exporter uses.
/// </summary>
public sealed class OpenTelemetryConventionTests(PostgresFixture postgres)
{
    private const string AppSourceName = "QueryWatch.IntegrationTests.Otel";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Explain_span_carries_the_database_conventions_and_links_to_the_applications_span()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = Listen(spans);
        using var app = new ActivitySource(AppSourceName);
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_otel_span", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
        }, rows: 60_000);
        await using var context = db.NewContext();

        ActivityContext request;
        using (var activity = app.StartActivity("GET /items"))
        {
            request = activity!.Context;
            // EF inlines the constant: the span's SQL must show it replaced.
            await context.Items.Where(i => i.Note == "secret-note").ToListAsync(Ct);
        }

        var span = await SpanLinkedToAsync(spans, request.TraceId, s => s.Events.Any(e => e.Name == "querywatch.finding"));
        Assert.Equal(request.SpanId, span.Links.Single().Context.SpanId);
        Assert.Equal("postgresql", span.GetTagItem("db.system.name"));
        Assert.Equal(new NpgsqlConnectionStringBuilder(db.ConnectionString).Database, span.GetTagItem("db.namespace"));
        Assert.Equal("SELECT items", span.GetTagItem("db.query.summary"));
        var text = Assert.IsType<string>(span.GetTagItem("db.query.text"));
        Assert.Contains("FROM items", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-note", text, StringComparison.Ordinal);
        Assert.Null(span.GetTagItem("db.response.status_code"));
        Assert.Equal("Slow", span.GetTagItem("querywatch.outcome"));

        var finding = span.Events.First(e => e.Name == "querywatch.finding" && e.Tags.Any(t => t.Key == "querywatch.rule_id" && (string?)t.Value == "QW009"));
        var tags = finding.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("SELECT items", tags["db.query.summary"]);
        Assert.Equal(text, tags["db.query.text"]);
        Assert.Equal("QW009", tags["querywatch.rule_id"]);
    }

    [Fact]
    public async Task Span_of_a_command_cancelled_by_statement_timeout_carries_its_sqlstate()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = Listen(spans);
        using var app = new ActivitySource(AppSourceName);
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_otel_cancel", o => o.SlowCommandThreshold = TimeSpan.FromSeconds(30));
        await using var context = db.NewContext();
        await context.Database.OpenConnectionAsync(Ct);
        await context.Database.ExecuteSqlRawAsync("SET statement_timeout = 200", Ct);

        ActivityTraceId trace;
        using (var activity = app.StartActivity("nightly job"))
        {
            trace = activity!.TraceId;
            var error = await Assert.ThrowsAsync<PostgresException>(
                () => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(3)").ToListAsync(Ct));
            Assert.Equal(PostgresErrorCodes.QueryCanceled, error.SqlState);
        }

        var span = await SpanLinkedToAsync(spans, trace, _ => true);
        Assert.Equal(PostgresErrorCodes.QueryCanceled, span.GetTagItem("db.response.status_code"));
        Assert.Equal("Cancelled", span.GetTagItem("querywatch.outcome"));
        Assert.Equal("SELECT pg_sleep", span.GetTagItem("db.query.summary"));
    }

    [Fact]
    public async Task Every_metric_tag_is_of_bounded_cardinality_never_sql_or_a_fingerprint()
    {
        var instruments = new ConcurrentDictionary<string, byte>();
        var measured = new ConcurrentBag<(string Instrument, string Key, string? Value)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name != QueryWatchMetrics.MeterName) return;
                instruments[instrument.Name] = 0;
                listener.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
        meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        meters.Start();

        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_otel_metrics", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
        }, rows: 60_000);
        await using (var context = db.NewContext())
        {
            for (var i = 0; i < 3; i++) await context.Items.Where(x => x.Note == "note " + i + " for metrics").ToListAsync(Ct);
            await context.Database.OpenConnectionAsync(Ct);
            await context.Database.ExecuteSqlRawAsync("SET statement_timeout = 200", Ct);
            await Assert.ThrowsAsync<PostgresException>(() => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(3)").ToListAsync(Ct));
        }
        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted, r => r.GetStructuredStateValue("Outcome") == "Cancelled");

        Assert.Contains("querywatch.findings", instruments.Keys);
        Assert.Contains("querywatch.commands.captured", instruments.Keys);
        Assert.Contains(measured, m => m.Instrument == "querywatch.findings" && m.Key == "rule" && m.Value == "QW009");
        Assert.Contains(measured, m => m.Instrument == "querywatch.commands.captured" && m.Key == "outcome" && m.Value == "Cancelled");
        var outcomes = Enum.GetNames<CommandOutcome>();
        foreach (var (instrument, key, value) in measured)
        {
            // A tag is one of a few names, and its value one of a set fixed by the code: a rule or rewrite id, an
            // outcome, a lower-case reason or result word. SQL text, a fingerprint or a table name fails here.
            var bounded = key switch
            {
                "rule" => value is not null && Regex.IsMatch(value, @"^QW\d{3}$"),
                "rewrite" => value is not null && Regex.IsMatch(value, @"^RW\d{3}$"),
                "outcome" => outcomes.Contains(value),
                "result" or "reason" => value is not null && Regex.IsMatch(value, "^[a-z]+(_[a-z]+)*$"),
                _ => false,
            };
            Assert.True(bounded, $"{instrument} has a tag {key}={value} of unbounded cardinality");
        }

        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags) measured.Add((instrument.Name, tag.Key, tag.Value?.ToString()));
        }
    }

    private static ActivityListener Listen(ConcurrentBag<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is QueryWatchActivity.SourceName or AppSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Waits for QueryWatch's span linked to <paramref name="trace"/>: the worker explains after the command returned.</summary>
    private static async Task<Activity> SpanLinkedToAsync(ConcurrentBag<Activity> spans, ActivityTraceId trace, Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var span = spans.FirstOrDefault(s => s.Source.Name == QueryWatchActivity.SourceName && s.Links.Any(l => l.Context.TraceId == trace) && match(s));
            if (span is not null) return span;
            Assert.True(DateTime.UtcNow < deadline, "no QueryWatch explain span linked to the application's trace within 30 s");
            await Task.Delay(25, Ct);
        }
    }
}
