using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

public sealed class CancellationTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Exception> RunUnderStatementTimeout(ItemsContext context, bool async)
    {
        await context.Database.OpenConnectionAsync(Ct);
        await context.Database.ExecuteSqlRawAsync("SET statement_timeout = 200", Ct);
        var query = context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(3)");
        return async
            ? await Assert.ThrowsAnyAsync<Exception>(() => query.ToListAsync(Ct))
            : Assert.ThrowsAny<Exception>(() => query.ToList());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Statement_timeout_cancellation_is_explained_without_analyze_and_the_app_sees_the_same_error(bool async)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_stmt_timeout", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromSeconds(30);
            o.ExplainAnalyze = true;
        });

        Exception plain;
        await using (var context = db.NewPlainContext()) plain = await RunUnderStatementTimeout(context, async);
        Exception watched;
        await using (var context = db.NewContext()) watched = await RunUnderStatementTimeout(context, async);

        Assert.Equal(plain.GetType(), watched.GetType());
        Assert.Equal(PostgresErrorCodes.QueryCanceled, Assert.IsType<PostgresException>(watched).SqlState);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Cancelled", explained.GetStructuredStateValue("Outcome"));
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        var node = await db.WaitForAsync(QueryWatchEventId.MostExpensiveNode);
        Assert.Equal("Cancelled", node.GetStructuredStateValue("Outcome"));
        Assert.Equal("Function Scan", node.GetStructuredStateValue("NodeType"));
    }

    [Fact]
    public async Task Caller_cancellation_is_captured_as_cancelled()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_caller_cancel", o => o.SlowCommandThreshold = TimeSpan.FromSeconds(30));
        await using var context = db.NewContext();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(5)").ToListAsync(cancel.Token));

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Cancelled", explained.GetStructuredStateValue("Outcome"));
    }

    [Fact]
    public async Task Command_timeout_is_captured_as_timed_out_and_the_app_sees_the_same_error()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_cmd_timeout", o => o.SlowCommandThreshold = TimeSpan.FromSeconds(30));

        Exception plain;
        await using (var context = db.NewPlainContext(n => n.CommandTimeout(1)))
            plain = await Assert.ThrowsAnyAsync<Exception>(() => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(3)").ToListAsync(Ct));
        Exception watched;
        await using (var context = db.NewContext(npgsql: n => n.CommandTimeout(1)))
            watched = await Assert.ThrowsAnyAsync<Exception>(() => context.Database.SqlQueryRaw<int>("SELECT 2 AS \"Value\" FROM pg_sleep(3)").ToListAsync(Ct));

        Assert.Equal(plain.GetType(), watched.GetType());
        Assert.Equal(plain.InnerException?.GetType(), watched.InnerException?.GetType());
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("TimedOut", explained.GetStructuredStateValue("Outcome"));
    }
}
