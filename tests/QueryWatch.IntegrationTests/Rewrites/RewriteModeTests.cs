using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// Issue 6 parts 2 and 3 end to end: an application host in a named environment, EF raw SQL through
/// the interceptor, the worker verifying on real PostgreSQL, and the text that reached the server.
/// Each test's SQL carries its own comment, so no two tests share a book entry.
/// </summary>
public sealed class RewriteModeTests(PostgresFixture postgres)
{
    private const string ExistenceCheck = "SELECT DISTINCT ON (category) 1 AS \"Value\" FROM items WHERE category < 50 LIMIT 1";

    private static string Sql(string test, string body = ExistenceCheck) => "/* " + test + " */ " + body;

    private static string Rewritten(string sql) => sql.Replace("DISTINCT ON (category) ", "", StringComparison.Ordinal);

    private async Task<(WatchedDatabase Db, RewriteHost Host)> StartAsync(string name, string environment, Dictionary<string, string?> rewrites)
    {
        var db = await WatchedDatabase.CreateAsync(postgres, name, _ => { });
        return (db, await RewriteHost.StartAsync(db.ConnectionString, environment, rewrites));
    }

    [Fact]
    public async Task Apply_in_staging_runs_the_original_first_and_the_verified_rewrite_afterwards()
    {
        var (db, host) = await StartAsync("qw_rw_apply", "Staging", new() { ["Mode"] = "Apply" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Apply_in_staging_runs_the_original_first_and_the_verified_rewrite_afterwards));

        var first = await host.QueryAsync(sql);
        Assert.Equal(sql, host.Sent.Last);
        var verified = await host.WaitForAsync(QueryWatchEventId.RewriteVerified);
        var second = await host.QueryAsync(sql);
        Assert.Equal(Rewritten(sql), host.Sent.Last);
        var third = await host.QueryAsync(sql);

        Assert.Equal(Rewritten(sql), host.Sent.Last);
        Assert.Equal([1], first);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal("RW001", verified.GetStructuredStateValue("RewriteIds"));
        var applied = Assert.Single(host.Events(QueryWatchEventId.RewriteApplied));
        Assert.Equal("RW001", applied.GetStructuredStateValue("RewriteIds"));
        Assert.Equal(verified.GetStructuredStateValue("Fingerprint"), applied.GetStructuredStateValue("Fingerprint"));
        Assert.DoesNotContain("DISTINCT", applied.GetStructuredStateValue("RewrittenSql"));
        Assert.Contains("$1", applied.GetStructuredStateValue("RewrittenSql")); // normalized: the literal 50 is not logged
        Assert.True(double.Parse(applied.GetStructuredStateValue("RewrittenCost")!, System.Globalization.CultureInfo.CurrentCulture)
            <= double.Parse(applied.GetStructuredStateValue("OriginalCost")!, System.Globalization.CultureInfo.CurrentCulture));
    }

    [Fact]
    public async Task Apply_in_production_never_rewrites_and_only_suggests()
    {
        var (db, host) = await StartAsync("qw_rw_prod", "Production", new() { ["Mode"] = "Apply" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Apply_in_production_never_rewrites_and_only_suggests));

        await host.QueryAsync(sql);
        await host.WaitForAsync(QueryWatchEventId.RewriteSuggested);
        await host.QueryAsync(sql);

        Assert.All(host.Sent.Texts, text => Assert.Equal(sql, text));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteVerified));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteApplied));
    }

    [Fact]
    public async Task Off_proposes_nothing_and_changes_nothing()
    {
        var (db, host) = await StartAsync("qw_rw_off", "Staging", new() { ["Mode"] = "Off" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Off_proposes_nothing_and_changes_nothing));

        await AssertSentAsWrittenWithNoRewriteEventAsync(host, sql);
    }

    [Fact]
    public async Task Suggest_logs_the_rewritten_sql_and_never_changes_the_command()
    {
        var (db, host) = await StartAsync("qw_rw_suggest", "Staging", new() { ["Mode"] = "Suggest" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Suggest_logs_the_rewritten_sql_and_never_changes_the_command));

        await host.QueryAsync(sql);
        var suggested = await host.WaitForAsync(QueryWatchEventId.RewriteSuggested);
        await host.QueryAsync(sql);
        await host.WaitForExplainsAsync(2);

        Assert.All(host.Sent.Texts, text => Assert.Equal(sql, text));
        Assert.Equal("RW001", suggested.GetStructuredStateValue("RewriteIds"));
        Assert.Equal("True", suggested.GetStructuredStateValue("Verified"));
        var rewritten = suggested.GetStructuredStateValue("RewrittenSql")!;
        Assert.DoesNotContain("DISTINCT", rewritten);
        Assert.DoesNotContain("50", rewritten);
        Assert.Contains("DISTINCT", suggested.GetStructuredStateValue("Sql"));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteApplied));
    }

    [Fact]
    public async Task Limit_parameter_decides_per_execution_two_runs_the_original_one_runs_the_rewrite()
    {
        var (db, host) = await StartAsync("qw_rw_limit", "Staging", new() { ["Mode"] = "Apply" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Limit_parameter_decides_per_execution_two_runs_the_original_one_runs_the_rewrite),
            "SELECT DISTINCT ON (category) 1 AS \"Value\" FROM items WHERE category < 50 LIMIT {0}");

        await host.QueryAsync(sql, 2);
        await host.WaitForExplainsAsync(1);
        Assert.Empty(host.Events(QueryWatchEventId.RewriteVerified)); // captured with 2: nothing to verify
        var sent = host.Sent.Last;
        await host.QueryAsync(sql, 1);
        await host.WaitForAsync(QueryWatchEventId.RewriteVerified);

        var two = await host.QueryAsync(sql, 2);
        Assert.Equal(sent, host.Sent.Last);
        var one = await host.QueryAsync(sql, 1);
        Assert.Equal(Rewritten(sent), host.Sent.Last);
        Assert.Equal(2, two.Count);
        Assert.Equal([1], one);
    }

    [Fact]
    public async Task Disabled_rewrite_id_is_neither_verified_nor_applied()
    {
        var (db, host) = await StartAsync("qw_rw_disabled", "Staging", new() { ["Mode"] = "Apply", ["DisabledRewrites:0"] = "RW001" });
        await using var _ = db;
        await using var __ = host;
        var sql = Sql(nameof(Disabled_rewrite_id_is_neither_verified_nor_applied));

        await AssertSentAsWrittenWithNoRewriteEventAsync(host, sql);
    }

    [Fact]
    public async Task Rewritten_command_failing_at_the_server_turns_the_rewrite_off_and_the_original_runs_again()
    {
        var (db, host) = await StartAsync("qw_rw_turnoff", "Staging", new() { ["Mode"] = "Apply" });
        await using var _ = db;
        await using var __ = host;
        // EXPLAIN evaluates nothing; execution divides by category, which the UPDATE below sets to 0.
        var sql = Sql(nameof(Rewritten_command_failing_at_the_server_turns_the_rewrite_off_and_the_original_runs_again),
            "SELECT DISTINCT ON (category) 1 AS \"Value\" FROM items WHERE 100 / category > 0 LIMIT 1");
        await host.QueryAsync(sql);
        await host.WaitForAsync(QueryWatchEventId.RewriteVerified);
        await db.ExecuteAsync("UPDATE items SET category = 0");

        var error = await Assert.ThrowsAsync<PostgresException>(() => host.QueryAsync(sql));
        Assert.Equal(PostgresErrorCodes.DivisionByZero, error.SqlState);
        Assert.Equal(Rewritten(sql), host.Sent.Last);
        var turnedOff = await host.WaitForAsync(QueryWatchEventId.RewriteTurnedOff);
        await db.ExecuteAsync("UPDATE items SET category = id % 1000");
        var after = await host.QueryAsync(sql);

        Assert.Equal(sql, host.Sent.Last);
        Assert.Equal([1], after);
        Assert.Equal("RW001", turnedOff.GetStructuredStateValue("RewriteIds"));
        Assert.Equal(PostgresErrorCodes.DivisionByZero, turnedOff.GetStructuredStateValue("SqlState"));
    }

    /// <summary>Runs <paramref name="sql"/> twice, each explained: the server got it as written and no 4xxx event was logged.</summary>
    private static async Task AssertSentAsWrittenWithNoRewriteEventAsync(RewriteHost host, string sql)
    {
        await host.QueryAsync(sql);
        await host.WaitForExplainsAsync(1);
        await host.QueryAsync(sql);
        await host.WaitForExplainsAsync(2);

        Assert.All(host.Sent.Texts, text => Assert.Equal(sql, text));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id is >= 4000 and < 5000);
    }
}
