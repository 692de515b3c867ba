using Microsoft.EntityFrameworkCore;
using QueryWatch.Diagnostics;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Store;

/// <summary>Without pg_stat_statements (the run's own cluster does not load it) findings carry no Calls, said once.</summary>
public sealed class StatementStatisticsAbsentTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Without_pg_stat_statements_findings_have_no_calls_and_it_is_said_once()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_no_pgss", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainCooldown = TimeSpan.Zero;
        }, rows: 100_000);
        await db.ExecuteAsync("ANALYZE items");
        await using var context = db.NewContext();

        string[] statements =
        [
            "SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'a'",
            "SELECT i.id AS \"Value\" FROM items i WHERE i.name = 'b'",
            "SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'c' AND i.category > 0",
        ];
        foreach (var sql in statements)
            await context.Database.SqlQueryRaw<int>(sql).ToListAsync(TestContext.Current.CancellationToken);
        await db.WaitForHandledAsync(3);

        var findings = db.Events(QueryWatchEventId.Finding);
        Assert.NotEmpty(findings);
        foreach (var finding in findings)
        {
            Assert.Null(finding.GetStructuredStateValue("Calls"));
            Assert.Null(finding.GetStructuredStateValue("TotalTimeMs"));
            Assert.NotNull(finding.GetStructuredStateValue("CancelledCount"));
        }
        var said = Assert.Single(db.Events(QueryWatchEventId.StatementStatisticsUnavailable));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, said.Level);
    }
}
