using System.Text.Json;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// Issue 17, "Done means", through EF: seed 004's shape — <c>!subquery.Contains(x)</c>, which EF sends as
/// <c>NOT IN (SELECT ...)</c> — in a Staging host with Rewrites:Mode=Apply. work_mem is set low so the original
/// cannot hash its subquery and runs it as a plain SubPlan (quadratic), which is what makes NOT IN slow in the
/// field; the rewrite's Anti Join does not depend on it. The explain cooldown is a minute, so one verification holds
/// through the test. Each test filters on its own constant, so no two tests share a command text.
/// </summary>
public sealed class NotInRewriteModeTests(PostgresFixture postgres)
{
    private const int Rows = 6000;

    private static readonly Dictionary<string, string?> s_cooldown = new() { ["ExplainCooldown"] = "00:01:00" };

    private async Task<(WatchedDatabase Db, RewriteHost Host)> StartAsync(string name, string environment, string mode)
    {
        var db = await WatchedDatabase.CreateAsync(postgres, name, _ => { }, rows: Rows);
        await db.ExecuteAsync("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = ''64kB''', current_database()); "
            + "EXECUTE format('ALTER DATABASE %I SET hash_mem_multiplier = 1', current_database()); END $$; UPDATE items SET category = id % 5000, note = CASE WHEN id % 7 = 0 THEN NULL ELSE 'item ' || (id % 3000) END; ANALYZE items;");
        await using (var pooled = new NpgsqlConnection(db.ConnectionString)) NpgsqlConnection.ClearPool(pooled); // settings apply to new sessions
        return (db, await RewriteHost.StartAsync(db.ConnectionString, environment, new() { ["Mode"] = mode }, s_cooldown));
    }

    // Ids of items whose id is no item's category: NOT NULL on both sides (id is the key, category NOT NULL).
    private static IQueryable<int> NotNullShape(ItemsContext context, int below) =>
        context.Items.Where(i => !context.Items.Where(j => j.Id > below).Select(j => j.Category).Contains(i.Id)).Select(i => i.Id);

    // The same shape over a nullable column (note), as EF sends it under relational null semantics: its default for a
    // nullable column is NOT (COALESCE(x IN (...), FALSE)), which is not a NOT IN and is never proposed.
    private const string NullableShape =
        "SELECT i.id AS \"Value\"\nFROM items AS i\nWHERE i.name NOT IN (\n    SELECT i0.note\n    FROM items AS i0\n    WHERE i0.id > {0}\n)";

    [Fact]
    public async Task Not_null_columns_are_rewritten_after_verification_and_return_the_same_rows_faster()
    {
        var (db, host) = await StartAsync("qw_rw4_apply", "Staging", "Apply");
        await using var _ = db;
        await using var __ = host;

        var first = await host.QueryAsync(c => NotNullShape(c, 1));
        var original = host.Sent.Last;
        var verified = await host.WaitForAsync(QueryWatchEventId.RewriteVerified);
        var second = await host.QueryAsync(c => NotNullShape(c, 1));
        var rewritten = host.Sent.Last;
        var originalMs = await ExecutionMsAsync(db, original);
        var rewrittenMs = await ExecutionMsAsync(db, rewritten);

        Assert.Contains("NOT IN (", original, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT IN (", rewritten, StringComparison.Ordinal);
        Assert.Contains("NOT EXISTS (", rewritten, StringComparison.Ordinal);
        Assert.Equal(first.Order(), second.Order());
        Assert.NotEmpty(first);
        Assert.Equal("RW004", verified.GetStructuredStateValue("RewriteIds"));
        var applied = Assert.Single(host.Events(QueryWatchEventId.RewriteApplied));
        Assert.Equal("RW004", applied.GetStructuredStateValue("RewriteIds"));
        var before = double.Parse(applied.GetStructuredStateValue("OriginalCost")!, System.Globalization.CultureInfo.CurrentCulture);
        var after = double.Parse(applied.GetStructuredStateValue("RewrittenCost")!, System.Globalization.CultureInfo.CurrentCulture);
        Assert.True(after * 10 < before, $"cost {before} -> {after}");
        // The original rescans the subquery for each of 6000 rows; a factor of 3 holds even on a loaded machine.
        Assert.True(rewrittenMs * 3 < originalMs, $"original {originalMs} ms, rewritten {rewrittenMs} ms");
    }

    /// <summary>The server's execution time for <paramref name="sql"/> (EF's text, its one parameter @below = 1), the best of three runs.</summary>
    private static async Task<double> ExecutionMsAsync(WatchedDatabase db, string sql)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection);
            command.Parameters.AddWithValue("below", 1);
            var json = (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
            using var plan = JsonDocument.Parse(json);
            best = Math.Min(best, plan.RootElement[0].GetProperty("Execution Time").GetDouble());
        }

        return best;
    }

    [Fact]
    public async Task Nullable_column_is_never_rewritten_and_the_rejection_names_it()
    {
        var (db, host) = await StartAsync("qw_rw4_null", "Staging", "Apply");
        await using var _ = db;
        await using var __ = host;

        var first = await host.QueryAsync(NullableShape, 2);
        var original = host.Sent.Last;
        var rejected = await host.WaitForAsync(QueryWatchEventId.RewriteRejected);
        var second = await host.QueryAsync(NullableShape, 2);

        Assert.All(host.Sent.Texts, text => Assert.Equal(original, text));
        Assert.Equal(first, second);
        Assert.Equal("RW004", rejected.GetStructuredStateValue("RewriteIds"));
        Assert.Contains("note", rejected.GetStructuredStateValue("Reason"), StringComparison.Ordinal);
        Assert.Empty(host.Events(QueryWatchEventId.RewriteVerified));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteApplied));
    }

    [Theory]
    [InlineData("Production", "Apply")]
    [InlineData("Staging", "Off")]
    public async Task Production_and_off_leave_the_command_untouched(string environment, string mode)
    {
        var (db, host) = await StartAsync("qw_rw4_" + mode.ToLowerInvariant(), environment, mode);
        await using var _ = db;
        await using var __ = host;

        await host.QueryAsync(c => NotNullShape(c, 3));
        await host.WaitForExplainsAsync(1); // the rewrite step for a statement ends before its explain event
        await host.QueryAsync(c => NotNullShape(c, 3));

        Assert.All(host.Sent.Texts, text => Assert.Contains("NOT IN (", text, StringComparison.Ordinal));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteVerified));
        Assert.Empty(host.Events(QueryWatchEventId.RewriteApplied));
        if (mode == "Off") Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id is >= 4000 and < 5000);
        else Assert.Equal("RW004", (await host.WaitForAsync(QueryWatchEventId.RewriteSuggested)).GetStructuredStateValue("RewriteIds"));
    }
}
