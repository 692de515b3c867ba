using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// Which code sent a command (issue #18 part 2): every finding event carries the command's source, its DbContext,
/// its TagWith text, the request's operation and trace id, through EF on a real server; each absent when unknown.
/// </summary>
public sealed class FindingContextTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WatchedDatabase> Database(PostgresFixture postgres, string name) =>
        WatchedDatabase.CreateAsync(postgres, name, o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
        }, rows: 60_000);

    [Fact]
    public async Task Finding_of_a_tagged_query_in_a_request_carries_source_context_tag_operation_and_trace()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "QueryWatch" or "QueryWatch.IntegrationTests.Context",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var app = new ActivitySource("QueryWatch.IntegrationTests.Context");
        await using var db = await Database(postgres, "qw_context");
        await using var context = db.NewContext();

        string traceId;
        using (var request = app.StartActivity("GET /items/{category}"))
        {
            traceId = request!.TraceId.ToHexString();
            await context.Items.TagWith("items report").Where(i => i.Note == "nothing").ToListAsync(Ct);
        }

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        Assert.Equal("LinqQuery", finding.GetStructuredStateValue("CommandSource")); // a reader's, read at its disposal
        Assert.Equal("ItemsContext", finding.GetStructuredStateValue("DbContext"));
        Assert.Equal("items report", finding.GetStructuredStateValue("Tag"));
        Assert.Equal("GET /items/{category}", finding.GetStructuredStateValue("Operation"));
        Assert.Equal(traceId, finding.GetStructuredStateValue("TraceId"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        ActivityEvent? spanEvent;
        while ((spanEvent = spans.Where(a => a.Source.Name == "QueryWatch").SelectMany(a => a.Events).Cast<ActivityEvent?>()
                   .FirstOrDefault(e => e!.Value.Tags.Any(t => t.Key == "querywatch.trace_id" && (string?)t.Value == traceId))) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no querywatch.finding span event carries the request's trace id");
            await Task.Delay(25, Ct);
        }

        var tags = spanEvent.Value.Tags.ToDictionary(t => t.Key, t => (string?)t.Value);
        Assert.Equal("items report", tags["querywatch.tag"]);
        Assert.Equal("GET /items/{category}", tags["querywatch.operation"]);
        Assert.Equal("ItemsContext", tags["querywatch.db_context"]);
        Assert.Equal("LinqQuery", tags["querywatch.command_source"]);
    }

    [Fact]
    public async Task Finding_of_a_query_tagged_with_its_call_site_names_the_file_and_line()
    {
        await using var db = await Database(postgres, "qw_callsite");
        await using var context = db.NewContext();

        await context.Items.TagWithCallSite().Where(i => i.Note == "nothing").ToListAsync(Ct);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        Assert.Matches(@"^File: .*FindingContextTests\.cs:\d+$", finding.GetStructuredStateValue("Tag"));
    }

    [Fact]
    public async Task Finding_outside_any_request_or_tag_has_no_such_property_and_no_gap_in_its_message()
    {
        await using var db = await Database(postgres, "qw_nocontext");
        await using var context = db.NewContext();
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            await context.Items.Where(i => i.Note == "nothing").ToListAsync(Ct);
        }
        finally
        {
            Activity.Current = previous;
        }

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        Assert.DoesNotContain(finding.StructuredState!, kv => kv.Key is "Tag" or "Operation" or "TraceId");
        Assert.Equal("ItemsContext", finding.GetStructuredStateValue("DbContext"));
        Assert.DoesNotContain("  ", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" )", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Sent by DbContext ItemsContext, CommandSource LinqQuery.", finding.Message, StringComparison.Ordinal);
    }
}
