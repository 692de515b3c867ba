using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;
using static QueryWatch.Tests.Rules.PlanTree;

namespace QueryWatch.Tests.Rules;

public sealed class LockWaitRuleTests
{
    private static readonly BlockingProcess IdleHolder = new(31337, "psql", "idle in transaction", TimeSpan.FromSeconds(312), "SELECT * FROM jobs WHERE id = $1 FOR UPDATE");

    // SELECT ... FOR UPDATE: LockRows over an index scan, a perfectly good plan.
    private static Plan LockingPlan() => Plan(Of(
        new PlanNode { NodeType = "LockRows" }.Cost(0.29, 8.31, 1),
        new PlanNode { NodeType = "Index Scan", RelationName = "jobs", Alias = "jobs", IndexName = "jobs_pkey" }.Cost(0.29, 8.30, 1).As("Outer")));

    private static ActivitySample At(double seconds, string? type, string? wait, params BlockingProcess[] blockers)
        => new(TimeSpan.FromSeconds(seconds), "active", type, wait, blockers);

    private static IReadOnlyList<Finding> Analyze(params ActivitySample[] samples)
        => new RuleEngine().Analyze(LockingPlan(), "SELECT * FROM jobs WHERE id = 1 FOR UPDATE", observed: new ObservedRun(TimeSpan.FromSeconds(2), false, samples));

    [Fact]
    public void Command_waiting_on_a_lock_most_of_its_sampled_time_names_the_idle_holder()
    {
        var findings = Analyze(
            At(0.5, "Lock", "transactionid", IdleHolder),
            At(1.0, "Lock", "transactionid", IdleHolder),
            At(1.5, null, null));

        var finding = Assert.Single(findings, f => f.RuleId == "QW024");
        Assert.Equal(RuleSeverity.Warning, finding.Severity);
        Assert.Equal(FindingBasis.Observed, finding.Basis);
        Assert.Equal("LockRows", finding.Node.NodeType);
        Assert.Contains(finding.Evidence, e => e.Key == "blockerPid" && e.Value == "31337");
        Assert.Contains(finding.Evidence, e => e.Key == "blockerState" && e.Value == "idle in transaction");
        Assert.Contains(finding.Evidence, e => e.Key == "blockerTransactionSeconds" && e.Value == "312");
        Assert.Contains(finding.Evidence, e => e.Key == "blockerApplication" && e.Value == "psql");
        Assert.Contains(finding.Evidence, e => e.Key == "lockSamples" && e.Value == "2");
        Assert.Contains("idle in transaction for 312 s", finding.Message);
        Assert.Contains("idle_in_transaction_session_timeout", finding.Suggestion);
        Assert.Contains("lock_timeout", finding.Suggestion);
        Assert.Contains("SKIP LOCKED", finding.Suggestion);
    }

    [Fact]
    public void Command_busy_on_cpu_stays_quiet()
        => Assert.DoesNotContain(Analyze(At(0.5, null, null), At(1.0, null, null), At(1.5, "Lock", "transactionid", IdleHolder)), f => f.RuleId == "QW024");

    [Fact]
    public void Command_waiting_on_reads_stays_quiet()
        => Assert.DoesNotContain(Analyze(At(0.5, "IO", "DataFileRead"), At(1.0, "IO", "DataFileRead")), f => f.RuleId == "QW024");

    [Fact]
    public void Command_sleeping_in_pg_sleep_stays_quiet()
        => Assert.DoesNotContain(Analyze(At(0.5, "Timeout", "PgSleep"), At(1.0, "Timeout", "PgSleep")), f => f.RuleId == "QW024");

    [Fact]
    public void Plan_without_samples_stays_quiet()
    {
        Assert.DoesNotContain(Analyze(), f => f.RuleId == "QW024");
        Assert.DoesNotContain(new RuleEngine().Analyze(LockingPlan()), f => f.RuleId == "QW024");
    }

    [Fact]
    public void Estimated_plan_of_a_command_sampled_in_io_waits_points_io_heavy_node_at_its_costliest_scan()
    {
        var plan = Plan(Of(
            new PlanNode { NodeType = "Hash Join", JoinType = "Inner" }.Cost(10, 50_000, 100),
            new PlanNode { NodeType = "Seq Scan", RelationName = "events", Alias = "events" }.Cost(0, 40_000, 1_000_000).As("Outer"),
            Of(new PlanNode { NodeType = "Hash" }.Cost(5, 5, 10).As("Inner"),
                new PlanNode { NodeType = "Seq Scan", RelationName = "accounts", Alias = "accounts" }.Cost(0, 5, 10).As("Outer"))));
        var observed = new ObservedRun(TimeSpan.FromSeconds(3), true, [At(0.5, "IO", "DataFileRead"), At(1.0, "IO", "DataFileRead"), At(1.5, null, null)]);

        var findings = new RuleEngine().Analyze(plan, observed: observed);

        var finding = Assert.Single(findings, f => f.RuleId == "QW016");
        Assert.Equal("events", finding.Node.RelationName);
        Assert.Equal(FindingBasis.Observed, finding.Basis);
        Assert.Contains(finding.Evidence, e => e.Key == "ioSamples" && e.Value == "2");
    }
}
