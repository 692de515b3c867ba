using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

public sealed class SlowCommandTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Slow_query_is_explained_with_outcome_slow_and_the_app_gets_its_result(bool async)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_slow", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(100));
        await using var context = db.NewContext();

        var query = context.Database.SqlQueryRaw<int>("SELECT 42 AS \"Value\" FROM pg_sleep(0.3)");
        var values = async ? await query.ToListAsync(Ct) : query.ToList();
        var ended = DateTimeOffset.UtcNow;

        Assert.Equal([42], values);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        // Time to tell, reported rather than asserted (a timing assertion would be flaky on a shared machine).
        TestContext.Current.TestOutputHelper?.WriteLine($"explain event {(explained.Timestamp - ended).TotalMilliseconds:F0} ms after the command ended");
        Assert.Equal("Slow", explained.GetStructuredStateValue("Outcome"));
        Assert.True(long.Parse(explained.GetStructuredStateValue("DurationMs")!) >= 300);
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
    }

    [Fact]
    public async Task Query_is_judged_on_its_whole_read_not_on_its_first_row()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_read", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(250));
        await using var context = db.NewContext();

        var read = 0;
        await foreach (var item in context.Items.Where(i => i.Id <= 4).OrderBy(i => i.Id).AsAsyncEnumerable().WithCancellation(Ct))
        {
            read++;
            await Task.Delay(100, Ct); // the application is slow to consume the rows, the server is not
        }

        Assert.Equal(4, read);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Slow", explained.GetStructuredStateValue("Outcome"));
        Assert.True(long.Parse(explained.GetStructuredStateValue("DurationMs")!) >= 250);
    }

    [Fact]
    public async Task Seq_scan_with_a_selective_filter_on_a_large_table_is_reported_as_QW009()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_badplan", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
        }, rows: 200_000);
        await using var context = db.NewContext();
        var wanted = "rare";

        var found = await context.Items.Where(i => i.Note == wanted).ToListAsync(Ct);

        Assert.Empty(found);
        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        Assert.Equal("seq-scan-selective-filter", finding.GetStructuredStateValue("RuleName"));
        Assert.Equal("Slow", finding.GetStructuredStateValue("Outcome"));
        Assert.Matches("^[0-9a-f]{16}$", finding.GetStructuredStateValue("Fingerprint"));
        // compute_query_id, which gives EXPLAIN VERBOSE its Query Identifier, exists from PostgreSQL 14.
        if (postgres.Server.ServerVersion.Major >= 14) Assert.NotNull(finding.GetStructuredStateValue("QueryId"));
        else Assert.Null(finding.GetStructuredStateValue("QueryId"));
        Assert.Contains("items", finding.GetStructuredStateValue("Node"));
        Assert.Contains("note", finding.GetStructuredStateValue("Suggestion"));
        Assert.Contains("FROM items", finding.GetStructuredStateValue("Sql"));
        foreach (var property in new[] { "RuleId", "RuleName", "Severity", "Fingerprint", "QueryId", "DurationMs", "Outcome", "Node", "Message", "Suggestion", "Sql" })
        {
            Assert.Contains(finding.StructuredState!, kv => kv.Key == property);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Multi_statement_SaveChanges_is_explained_statement_by_statement_and_saved_once(bool async)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_save", o => o.SlowCommandThreshold = TimeSpan.FromTicks(1));
        await using (var context = db.NewContext())
        {
            var existing = await context.Items.SingleAsync(i => i.Id == 1, Ct);
            existing.Name = "renamed";
            context.Items.Add(new Item { Id = 1001, Category = 1, Name = "new a" });
            context.Items.Add(new Item { Id = 1002, Category = 2, Name = "new b" });
            context.Items.Add(new Item { Id = 1003, Category = 3, Name = "new c" });
            Assert.Equal(4, async ? await context.SaveChangesAsync(Ct) : context.SaveChanges());
        }

        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted, r => r.GetStructuredStateValue("StatementIndex") == "1");
        Assert.Equal(103L, await db.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal("renamed", await db.ScalarAsync<string>("SELECT name FROM items WHERE id = 1"));
    }

    [Fact]
    public async Task Select_then_delete_in_one_command_sends_two_explains_and_deletes_nothing()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_seldel", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMilliseconds(100);
            o.ExplainAnalyze = true;
        });
        await using (var context = db.NewContext())
        {
            await using var transaction = await context.Database.BeginTransactionAsync(Ct);
            await context.Database.ExecuteSqlRawAsync("SELECT pg_sleep(0.2); DELETE FROM items WHERE id <= 10", Ct);
            await transaction.RollbackAsync(Ct);
        }

        var delete = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted, r => r.GetStructuredStateValue("StatementIndex") == "1");
        Assert.Equal("False", delete.GetStructuredStateValue("Analyze"));
        Assert.Single(db.Events(QueryWatchEventId.ExplainCompleted), r => r.GetStructuredStateValue("StatementIndex") == "0");
        Assert.Equal(2, db.Events(QueryWatchEventId.ExplainCompleted).Count);
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Explain_span_is_linked_to_the_trace_the_command_ran_in_and_carries_the_findings()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "QueryWatch" or "QueryWatch.IntegrationTests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var app = new ActivitySource("QueryWatch.IntegrationTests");
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_trace", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
        }, rows: 60_000);
        await using var context = db.NewContext();

        ActivityTraceId traceId;
        using (var request = app.StartActivity("GET /items"))
        {
            traceId = request!.TraceId;
            await context.Items.Where(i => i.Note == "nothing").ToListAsync(Ct);
        }

        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        Activity? span;
        while ((span = spans.FirstOrDefault(a => a.Source.Name == "QueryWatch" && a.Links.Any(l => l.Context.TraceId == traceId))) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no QueryWatch span linked to the request's trace");
            await Task.Delay(25, Ct);
        }

        Assert.NotEqual(traceId, span.TraceId); // its own trace, linked, not a child of the finished request
        Assert.Contains(span.Events, e => e.Name == "querywatch.finding" && e.Tags.Any(t => t.Key == "querywatch.rule_id" && (string?)t.Value == "QW009"));
    }

    [Fact]
    public async Task Parameter_is_bound_as_captured_so_the_plan_reflects_its_value()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_param_plan", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
            o.ExplainCooldown = TimeSpan.Zero;
        }, rows: 60_000);
        await db.ExecuteAsync("UPDATE items SET category = 0 WHERE id % 2 = 0; ANALYZE items;");
        await using var context = db.NewContext();

        // One statement shape, two values: category 7 keeps 60 of 60,000 rows, category 0 keeps half.
        var rare = 7;
        Assert.Equal(60, (await context.Items.Where(i => i.Category == rare).ToListAsync(Ct)).Count);
        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        var common = 0;
        Assert.Equal(30_000, (await context.Items.Where(i => i.Category == common).ToListAsync(Ct)).Count);
        var fingerprint = db.Events(QueryWatchEventId.Finding).First().GetStructuredStateValue("Fingerprint");
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted, r => r.GetStructuredStateValue("Fingerprint") == fingerprint && r.GetStructuredStateValue("FindingCount") == "0");

        Assert.Single(db.Events(QueryWatchEventId.Finding), r => r.GetStructuredStateValue("RuleId") == "QW009");
    }
}
