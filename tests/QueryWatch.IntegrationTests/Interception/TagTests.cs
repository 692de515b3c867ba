using Microsoft.EntityFrameworkCore;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

public sealed class TagTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_tagged_querywatch_ignore_is_never_explained()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_tag_ignore", o => o.SlowCommandThreshold = TimeSpan.FromTicks(1));
        await using var context = db.NewContext();

        await context.Items.TagWith("nightly export querywatch:ignore").Where(i => i.Category == 1).ToListAsync(Ct);
        await context.Items.Where(i => i.Id == 2).ToListAsync(Ct);

        // The queue is first in, first out: once the second query is explained, the first would have been.
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        await db.WaitForHandledAsync(1);
        Assert.Equal(1, db.Pipeline!.Handled);
        Assert.Single(db.Events(QueryWatchEventId.ExplainCompleted));
    }

    [Theory]
    [InlineData("querywatch:threshold=5s")]
    [InlineData("querywatch:threshold=00:00:05")]
    [InlineData("querywatch:threshold=5000ms")]
    public async Task Threshold_tag_raises_the_threshold_for_that_query_alone(string tag)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_tag_threshold", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(100));
        await using var context = db.NewContext();

        var tagged = "-- " + tag + "\nSELECT 1 AS \"Value\" FROM pg_sleep(0.3)";
        await context.Database.SqlQueryRaw<int>(tagged).ToListAsync(Ct);
        await context.Database.SqlQueryRaw<int>("SELECT 2 AS \"Value\" FROM pg_sleep(0.3)").ToListAsync(Ct);

        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        await db.WaitForHandledAsync(1);
        Assert.Equal(1, db.Pipeline!.Handled);
    }

    [Fact]
    public async Task Query_over_its_own_tagged_threshold_is_explained()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_tag_over", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(100));
        await using var context = db.NewContext();

        await context.Database.SqlQueryRaw<int>("-- querywatch:threshold=200ms\nSELECT 1 AS \"Value\" FROM pg_sleep(0.3)").ToListAsync(Ct);

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.True(long.Parse(explained.GetStructuredStateValue("DurationMs")!) >= 300);
    }
}
