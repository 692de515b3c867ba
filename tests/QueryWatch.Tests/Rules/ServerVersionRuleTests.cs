using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;
using static QueryWatch.Tests.Rules.PlanTree;

namespace QueryWatch.Tests.Rules;

/// <summary>
/// Issue 12: where PostgreSQL's behaviour changed, a rule must not claim the old one on a newer
/// server. PostgreSQL 19 plans NOT IN as an Anti Join when neither side can be NULL, and turns JIT
/// off by default. The version comes from the connection (<see cref="Plan.ServerVersion"/>), or
/// for JIT from the plan's settings.
/// </summary>
public sealed class ServerVersionRuleTests
{
    private const string NotInPlan = """
        Seq Scan on processes p  (cost=0.00..1780412.00 rows=1000 width=4)
          Filter: (NOT (SubPlan 1))
          SubPlan 1
            ->  Materialize  (cost=0.00..1749.00 rows=6667 width=4)
                  ->  Seq Scan on tasks t  (cost=0.00..1700.00 rows=6667 width=4)
                        Filter: (state = 1)
        """;

    [Fact]
    public void Not_in_on_postgresql_19_says_the_anti_join_needs_both_sides_not_null()
    {
        var plan = PlanReader.Read(NotInPlan);
        plan.ServerVersion = new Version(19, 0);

        var finding = new RuleEngine().Analyze(plan).Single(f => f.RuleId == "QW008");

        Assert.Contains(finding.Evidence, e => e.Key == "notInAntiJoinWhenNotNull" && e.Value == "true");
        Assert.DoesNotContain("cannot plan NOT IN as an Anti Join", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(18)]
    public void Not_in_before_postgresql_19_or_on_an_unknown_server_keeps_the_old_explanation(int? major)
    {
        var plan = PlanReader.Read(NotInPlan);
        plan.ServerVersion = major is { } m ? new Version(m, 0) : null;

        var finding = new RuleEngine().Analyze(plan).Single(f => f.RuleId == "QW008");

        Assert.DoesNotContain(finding.Evidence, e => e.Key == "notInAntiJoinWhenNotNull");
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(null, true)]
    public void Jit_on_postgresql_19_is_reported_as_turned_on_not_as_the_default(int? major, bool fromSettings)
    {
        var plan = Plan(new PlanNode { NodeType = "Aggregate" }.Actual(60, 1, 1), executionTimeMs: 62);
        plan.Jit = new JitDetail { Functions = 6, TotalMs = 55 };
        plan.ServerVersion = major is { } m ? new Version(m, 0) : null;
        // EXPLAIN SETTINGS lists only non-default values: jit = on there means its default is off.
        if (fromSettings) plan.Settings["jit"] = "on";

        var finding = new RuleEngine().Analyze(plan).Single(f => f.RuleId == "QW021");

        Assert.Contains(finding.Evidence, e => e.Key == "jitOnByDefault" && e.Value == "false");
        Assert.Contains(finding.Evidence, e => e.Key == "jitMs" && e.Value == "55");
    }

    [Fact]
    public void Jit_before_postgresql_19_is_reported_as_the_default()
    {
        var plan = Plan(new PlanNode { NodeType = "Aggregate" }.Actual(60, 1, 1), executionTimeMs: 62);
        plan.Jit = new JitDetail { Functions = 6, TotalMs = 55 };
        plan.ServerVersion = new Version(18, 1);

        var finding = new RuleEngine().Analyze(plan).Single(f => f.RuleId == "QW021");

        Assert.DoesNotContain(finding.Evidence, e => e.Key == "jitOnByDefault");
    }
}
