using Microsoft.EntityFrameworkCore;
using QueryWatch.Rules;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Testing;

/// <summary>
/// The test-suite API on real PostgreSQL and EF Core (issue #13): the command EF really sends,
/// explained with its parameters, judged by the rules at test size.
/// </summary>
public sealed class QueryPlanTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string _connectionString = "";

    public async ValueTask InitializeAsync() => _connectionString = await ProcessesContext.CreateDatabaseAsync(postgres, "qw_queryplan", Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task State_filter_as_NOT_IN_fails_AssertHealthy_with_QW008_in_the_message()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var state = 2;
        // Seed 004: processes with a task in this state and none in a state of higher priority,
        // the exclusion written as Contains over a subquery, which EF sends as NOT (id IN (SELECT ...)).
        var query = db.Processes.Where(p => db.Tasks.Any(t => t.ProcessId == p.Id && t.State == state)
            && !db.Tasks.Where(t => t.State > state).Select(t => t.ProcessId).Contains(p.Id));

        var plan = await QueryPlan.ExplainAsync(query, cancellationToken: Ct);
        var failure = Assert.Throws<QueryPlanAssertionException>(() => plan.AssertHealthy());

        Assert.Contains("NOT IN (", plan.Sql, StringComparison.Ordinal);
        Assert.Contains("QW008 anti-join-missing", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(plan.PlanTree, failure.Message, StringComparison.Ordinal);
        Assert.Contains(plan.Sql.TrimEnd(), failure.Message, StringComparison.Ordinal);
        Assert.Throws<QueryPlanAssertionException>(() => plan.AssertNode("Anti Join"));
    }

    [Fact]
    public async Task State_filter_as_not_Any_passes_and_runs_as_an_Anti_Join()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var state = 2;
        var query = db.Processes.Where(p => p.Tasks.Any(t => t.State == state) && !p.Tasks.Any(t => t.State > state));

        var plan = await QueryPlan.AssertHealthyAsync(query, cancellationToken: Ct);

        Assert.Contains("NOT EXISTS", plan.Sql, StringComparison.OrdinalIgnoreCase);
        plan.AssertNode("Anti Join");
        Assert.Contains(plan.Nodes, n => n.Contains("Anti Join", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Existence_check_with_DISTINCT_ON_and_LIMIT_1_fails_with_QW001_and_its_fix_passes()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var processId = 7;

        var distinct = await QueryPlan.ExplainAsync(db.Database.SqlQueryRaw<int>(
            "SELECT DISTINCT ON (element_id) 1 AS \"Value\" FROM worker_activities WHERE process_id = {0} AND state = 'error' LIMIT 1", processId),
            cancellationToken: Ct);
        var failure = Assert.Throws<QueryPlanAssertionException>(() => distinct.AssertHealthy());
        Assert.Contains("QW001 distinct-existence-check", failure.Message, StringComparison.Ordinal);

        await QueryPlan.AssertHealthyAsync(db.Database.SqlQueryRaw<int>(
            "SELECT 1 AS \"Value\" FROM worker_activities WHERE process_id = {0} AND state = 'error' LIMIT 1", processId),
            cancellationToken: Ct);
    }

    [Fact]
    public async Task Primary_key_lookup_passes()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var id = 42;

        var plan = await QueryPlan.AssertHealthyAsync(db.Processes.Where(p => p.Id == id), cancellationToken: Ct);

        Assert.Empty(plan.Findings);
    }

    [Fact]
    public async Task Explain_with_ANALYZE_carries_actuals_and_binds_the_parameters()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var processId = 12;

        var plan = await QueryPlan.ExplainAsync(db.Tasks.Where(t => t.ProcessId == processId), new QueryPlanOptions { Analyze = true }, Ct);

        Assert.True(plan.Analyzed);
        Assert.Contains("Plan (ANALYZE)", plan.PlanTree, StringComparison.Ordinal);
        plan.AssertNoNode("Seq Scan", on: "processes");
    }

    [Fact]
    public async Task AssertUsesIndex_and_AssertNoNode_name_the_node_in_the_failure()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            // enable_seqscan is a session setting: the explain runs on the context's own connection.
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", Ct);
            var processId = 12;
            var plan = await QueryPlan.ExplainAsync(db.Tasks.Where(t => t.ProcessId == processId), cancellationToken: Ct);

            plan.AssertUsesIndex("ix_tasks_process_id").AssertNoNode("Seq Scan", on: "tasks");
            var failure = Assert.Throws<QueryPlanAssertionException>(() => plan.AssertUsesIndex("ix_missing"));
            Assert.Contains("ix_tasks_process_id", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task Explaining_the_code_explains_the_EXISTS_that_AnyAsync_sends()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var state = 4;

        var sent = await QueryPlan.ExplainAsync(db, () => db.Tasks.AnyAsync(t => t.ProcessId == 5 && t.State == state, Ct), cancellationToken: Ct);

        var only = Assert.Single(sent);
        Assert.Contains("EXISTS", only.Sql, StringComparison.Ordinal);
        sent.AssertHealthy();
    }

    [Fact]
    public async Task Explaining_the_code_explains_the_writes_of_SaveChanges_without_running_them_again()
    {
        await using var db = ProcessesContext.Open(_connectionString);

        var sent = await QueryPlan.ExplainAsync(db, async () =>
        {
            db.Processes.Add(new Process { Id = 10_001, Name = "new" });
            await db.SaveChangesAsync(Ct);
        }, new QueryPlanOptions { Analyze = true }, Ct);

        var insert = Assert.Single(sent);
        Assert.StartsWith("INSERT", insert.Sql.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.False(insert.Analyzed);
        Assert.Equal(1, await db.Processes.CountAsync(p => p.Id == 10_001, Ct));
    }

    [Fact]
    public async Task Explain_inside_the_tests_own_transaction_sees_its_rows_and_leaves_the_transaction_usable()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        db.Processes.Add(new Process { Id = 20_001, Name = "uncommitted" });
        await db.SaveChangesAsync(Ct);

        var plan = await QueryPlan.ExplainAsync(db.Processes.Where(p => p.Name == "uncommitted"), new QueryPlanOptions { Analyze = true }, Ct);

        Assert.True(plan.Analyzed);
        Assert.Contains("1 actual", plan.PlanTree, StringComparison.Ordinal);
        Assert.Equal(1, await db.Processes.CountAsync(p => p.Name == "uncommitted", Ct));
        await transaction.RollbackAsync(Ct);
    }

    [Fact]
    public async Task EXISTS_ORed_with_another_condition_fails_with_QW003_at_test_size_and_size_checks_stay_quiet()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var state = 4;
        // Correlated beyond the key (t.run < p.id), so PostgreSQL cannot hash it: a SubPlan per row.
        var query = db.Processes.Where(p => p.Name == "process 1" || p.Tasks.Any(t => t.State == state && t.Run < p.Id));

        var plan = await QueryPlan.ExplainAsync(query, cancellationToken: Ct);
        var asInProduction = await QueryPlan.ExplainAsync(query, new QueryPlanOptions { ShapeChecksAtAnySize = false }, Ct);

        var failure = Assert.Throws<QueryPlanAssertionException>(() => plan.AssertHealthy());
        Assert.Contains("QW003 correlated-subplan-per-row", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(asInProduction.Findings, f => f.RuleId == "QW003");
        plan.AssertHealthy(RuleSeverity.Warning, "QW003");
    }
}
