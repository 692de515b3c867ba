using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Gather or Gather Merge that launched fewer workers than planned: the plan's cost assumed parallelism the server could not give.</summary>
internal sealed class QW020WorkersNotLaunched : IPlanRule
{
    public string Id => "QW020";
    public string Name => "workers-not-launched";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Gather launched fewer parallel workers than planned (pool exhausted): the leader did the work the plan divided among workers";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // workers missing, as a share of the planned ones
        ["minMissingShare"] = 0.5,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType is not ("Gather" or "Gather Merge") || node.NeverExecuted) return;
        if (node.WorkersPlanned is not { } planned || planned <= 0 || node.WorkersLaunched is not { } launched) return;
        var missing = planned - launched;
        if (missing <= 0 || (double)missing / planned < context.Threshold("minMissingShare")) return;
        var time = node.InclusiveTimeMs is { } ms ? $" and took {RuleText.Ms(ms)}" : "";
        context.Report(node,
            $"{PlanPath.ShortName(node)} planned {planned} worker{(planned == 1 ? "" : "s")} and launched {launched}{time}: the plan was costed for {planned + 1} processes, and {launched + 1} did the work.",
            "Parallel workers come from a shared pool (max_parallel_workers, itself within max_worker_processes) that concurrent parallel queries exhaust: raise max_parallel_workers (and max_worker_processes, which needs a restart) if the machine has idle cores, or lower max_parallel_workers_per_gather so each query asks for what it can get; a plan that only wins with workers is fragile under load.",
            [Fact("workersPlanned", planned), Fact("workersLaunched", launched), Fact("timeMs", node.InclusiveTimeMs ?? 0)]);
    }
}
