using Npgsql;
using QueryWatch.Explain;
using QueryWatch.Rules;
using static QueryWatch.IntegrationTests.Advice.AdviceDatabase;

namespace QueryWatch.IntegrationTests.Advice;

/// <summary>pg_stat_user_tables read for a plan's tables turns a bare misestimate into "statistics are stale".</summary>
public sealed class TableStatisticsReaderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Rows_inserted_since_the_last_analyze_make_the_misestimate_a_stale_statistics_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync("advice_stats", ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using (var setup = await dataSource.OpenConnectionAsync(ct))
        {
            await ExecuteAsync(setup, """
                CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL) WITH (autovacuum_enabled = off);
                INSERT INTO orders SELECT i, 'done' FROM generate_series(1, 1000) i;
                ANALYZE orders;
                INSERT INTO orders SELECT i, 'new' FROM generate_series(1001, 51000) i;
                """);
            // Statistics counters reach shared memory when the backend next goes idle; do not wait for it.
            await ExecuteAsync(setup, "SELECT pg_stat_force_next_flush()");
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string sql = "SELECT id FROM orders WHERE status = 'new'";
        var plan = await ExplainAsync(connection, sql, analyze: true);

        var statistics = await TableStatisticsReader.ReadAsync(connection, plan, ct);
        var finding = new RuleEngine().Analyze(plan, sql, statistics).Single(f => f.RuleId == "QW017");

        var orders = statistics.Find(null, "orders");
        Assert.NotNull(orders);
        Assert.Equal("public", orders.Schema);
        // The first 1,000 inserts may be flushed to the counters after ANALYZE reset them: at least the 50,000 since.
        Assert.InRange(orders.ModifiedSinceAnalyze, 50_000, 51_000);
        Assert.NotNull(orders.SinceLastAnalyze);
        Assert.Null(statistics.Find("other", "orders"));
        Assert.Equal(RuleSeverity.Warning, finding.Severity);
        Assert.StartsWith("Run ANALYZE orders;", finding.Suggestion);
    }
}
