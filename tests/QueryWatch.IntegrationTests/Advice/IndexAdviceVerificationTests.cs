using Npgsql;
using QueryWatch.Explain;
using QueryWatch.Rules;
using static QueryWatch.IntegrationTests.Advice.AdviceDatabase;

namespace QueryWatch.IntegrationTests.Advice;

/// <summary>
/// Index advice checked end to end on a real server: the rule proposes the DDL, hypopg predicts the
/// plan, and the same index created for real gives that plan.
/// </summary>
public sealed class IndexAdviceVerificationTests(PostgresFixture postgres)
{
    public static TheoryData<string, string, string> BadPlans() => new()
    {
        // seq-scan-selective-filter: one equality column
        { "QW009", "SELECT id, kind FROM events WHERE account_id = 4242", "CREATE INDEX CONCURRENTLY ON events (account_id)" },
        // function-on-filtered-column: the plain index on email cannot serve lower(email)
        { "QW018", "SELECT id FROM users WHERE lower(email) = 'user4242@example.com'", "CREATE INDEX CONCURRENTLY ON users ((lower(email)))" },
        // limit-walks-index: ORDER BY id LIMIT walks the primary key and filters on customer_id
        { "QW014", "SELECT id, total FROM orders WHERE customer_id = 42 ORDER BY id LIMIT 10", "CREATE INDEX CONCURRENTLY ON orders (customer_id)" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public async Task Suggested_index_created_for_real_gives_the_plan_hypopg_predicted(string ruleId, string sql, string expectedDdl)
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync("advice_" + ruleId, ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, Schema);
        await CreateHypopgAsync(connection);

        var finding = new RuleEngine().Analyze(await ExplainAsync(connection, sql, analyze: true), sql).Single(f => f.RuleId == ruleId);
        var ddl = finding.Evidence.Single(e => e.Key == "index").Value;
        Assert.Equal(expectedDdl, ddl);
        Assert.Contains(ddl, finding.Suggestion);

        var verification = await new HypotheticalIndexVerifier(dataSource).VerifyAsync(sql, null, ddl, ct);
        Assert.Equal(IndexVerificationOutcome.Verified, verification.Outcome);
        Assert.True(verification.CostAfter < verification.CostBefore, $"{verification.CostAfter} < {verification.CostBefore}");

        var before = await IndexNamesAsync(connection);
        await ExecuteAsync(connection, ddl);
        var created = Assert.Single((await IndexNamesAsync(connection)).Except(before));
        var real = await ExplainAsync(connection, sql, analyze: false);
        Assert.Contains(real.Nodes, n => n.IndexName == created);
        Assert.True(real.Root.TotalCost < verification.CostBefore, $"real {real.Root.TotalCost} < before {verification.CostBefore}");
        // hypopg sizes the index from the table's statistics: the real plan costs what it predicted, give or take.
        Assert.InRange(real.Root.TotalCost ?? 0, verification.CostAfter!.Value / 3, verification.CostAfter.Value * 3);
    }

    [Fact]
    public async Task Filter_keeping_most_rows_gets_no_index_and_a_forced_one_is_dropped_as_not_used()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync("advice_unselective", ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, Schema);
        await CreateHypopgAsync(connection);
        const string sql = "SELECT id, payload FROM events WHERE kind < 60";

        var findings = new RuleEngine().Analyze(await ExplainAsync(connection, sql, analyze: true), sql);
        var verification = await new HypotheticalIndexVerifier(dataSource).VerifyAsync(sql, null, "CREATE INDEX CONCURRENTLY ON events (kind)", ct);

        Assert.DoesNotContain(findings, f => f.Evidence.Any(e => e.Key == "index"));
        Assert.Equal(IndexVerificationOutcome.NotUsed, verification.Outcome);
    }

    [Fact]
    public async Task Database_without_hypopg_leaves_the_index_not_verified()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync("advice_nohypopg", ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
            await ExecuteAsync(connection, "CREATE TABLE t (id int PRIMARY KEY, a int); INSERT INTO t SELECT i, i % 100 FROM generate_series(1, 1000) i; ANALYZE t");

        var verification = await new HypotheticalIndexVerifier(dataSource).VerifyAsync("SELECT id FROM t WHERE a = 5", null, "CREATE INDEX CONCURRENTLY ON t (a)", ct);

        Assert.Equal(IndexVerificationOutcome.NotVerified, verification.Outcome);
        Assert.Equal("the hypopg extension is not installed in this database", verification.Reason);
    }

    [Fact]
    public async Task Parameterised_statement_is_verified_with_its_values()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync("advice_params", ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await ExecuteAsync(connection, Schema);
            await CreateHypopgAsync(connection);
        }

        var verification = await new HypotheticalIndexVerifier(dataSource).VerifyAsync("SELECT id FROM events WHERE account_id = $1", [4242], "CREATE INDEX CONCURRENTLY ON events (account_id)", ct);

        Assert.Equal(IndexVerificationOutcome.Verified, verification.Outcome);
    }

    private static async Task<List<string>> IndexNamesAsync(NpgsqlConnection connection)
    {
        var names = new List<string>();
        await using var list = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'", connection);
        await using var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken)) names.Add(reader.GetString(0));
        return names;
    }
}
