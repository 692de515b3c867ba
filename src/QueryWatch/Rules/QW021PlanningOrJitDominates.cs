using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>Planning time, or JIT compilation time, is the larger part of the query's total time.</summary>
internal sealed class QW021PlanningOrJitDominates : IPlanRule
{
    public string Id => "QW021";
    public string Name => "planning-or-jit-dominates";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Planning time or JIT compilation takes more than the query itself: cheap queries pay for JIT thresholds set too low, or plan anew every time";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minShare"] = 0.5,
        // sub-millisecond planning dominating a sub-millisecond execution is normal and harmless
        ["minPlanningMs"] = 10,
        ["minJitMs"] = 10,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // A plan-level rule: report once, at the root.
        if (node.Parent is not null) return;
        var plan = context.Plan;
        if (plan.ExecutionTimeMs is not { } execution) return;
        var planning = plan.PlanningTimeMs ?? 0;
        var total = planning + execution;
        if (total <= 0) return;

        // JIT time is spent inside execution (EXPLAIN prints it before Execution Time, which includes it).
        // In a parallel plan EXPLAIN sums it over the leader and every worker, each of which compiles the
        // same functions while the others do: the wall-clock time JIT added is about one process's share.
        var processes = JitProcesses(plan);
        var jit = (plan.Jit?.TotalMs ?? 0) / processes;
        if (jit >= context.Threshold("minJitMs") && jit / total >= context.Threshold("minShare"))
        {
            // PostgreSQL 19 turns JIT off by default: a plan that compiled was run with jit turned on by
            // someone. EXPLAIN SETTINGS lists only what differs from the default, so "jit = on" there
            // says the same of a pasted plan whose server is unknown.
            var offByDefault = context.ServerMajor >= 19 || plan.Settings.TryGetValue("jit", out var setting) && setting == "on";
            context.Report(node,
                $"JIT compilation took {RuleText.Ms(jit)}{(processes > 1 ? $" per process ({RuleText.Ms(jit * processes)} summed over the leader and {processes - 1} workers, compiling side by side)" : "")} of the query's {RuleText.Ms(total)} ({RuleText.Percent(jit / total)}){(plan.Jit?.Functions is { } f ? $" to compile {f} functions" : "")}: the query itself ran for {RuleText.Ms(Math.Max(execution - jit, 0))}.",
                offByDefault
                    ? "JIT is off by default on this server (PostgreSQL 19 and later): jit = on was set in its configuration, for the database or role (ALTER … SET jit = on), or in the session. Unless this workload is long analytic queries, remove that setting; if JIT is wanted elsewhere, raise jit_above_cost (500000 or more) so short queries do not pay for it."
                    : "JIT pays off only for long analytic queries: the planner decided from cost estimates (jit_above_cost, jit_inline_above_cost, jit_optimize_above_cost) that this one was expensive. Raise those thresholds (jit_above_cost = 500000 or more), turn inlining and optimization off for OLTP work, or set jit = off for the application's role (ALTER ROLE app SET jit = off); if the estimate was wrong, fix the estimate.",
                [Fact("jitMs", jit), Fact("executionTimeMs", execution), Fact("planningTimeMs", planning), Fact("jitFunctions", plan.Jit?.Functions ?? 0), Fact("jitProcesses", processes), Fact("jitTotalMs", plan.Jit?.TotalMs ?? 0),
                 .. offByDefault ? [Fact("jitOnByDefault", "false")] : Array.Empty<KeyValuePair<string, string>>()]);
            return;
        }

        if (planning >= context.Threshold("minPlanningMs") && planning / total >= context.Threshold("minShare"))
        {
            context.Report(node,
                $"Planning took {RuleText.Ms(planning)} of the query's {RuleText.Ms(total)} ({RuleText.Percent(planning / total)}); the query ran for {RuleText.Ms(execution)}.",
                "Plan once and reuse it: a prepared statement (Npgsql prepares automatically with Max Auto Prepare, or call Prepare()), so PostgreSQL switches to a generic plan after five executions; and make the plan cheaper to find: fewer partitions left after pruning (a partition key in the WHERE), fewer joined tables (join_collapse_limit/from_collapse_limit), fewer indexes to consider on hot tables.",
                [Fact("planningTimeMs", planning), Fact("executionTimeMs", execution)]);
        }
    }

    // The leader plus the most workers any Gather launched (JIT's summary adds up every process's timing).
    private static int JitProcesses(Plan plan)
    {
        var workers = 0;
        foreach (var node in plan.Nodes)
        {
            if (node.NodeType is "Gather" or "Gather Merge") workers = Math.Max(workers, node.WorkersLaunched ?? 0);
        }
        return workers + 1;
    }
}
