using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>QW016 on an estimated plan of a command the live sampler saw waiting on reads (issue #11 part 3).</summary>
internal sealed partial class QW016IoHeavyNode
{
    // No BUFFERS, but the samples say where the time went: most of them caught the backend in an IO
    // wait (DataFileRead, ...). The reads are charged to the scan that carries most of the plan's cost,
    // the one node an estimated plan can point at; reported once per plan.
    private static void InspectSampledIo(RuleContext context, PlanNode node)
    {
        if (context.HasActuals || node.RelationName is null || context.Observed is not { Samples: { Count: > 0 } samples }) return;
        var io = 0;
        foreach (var sample in samples)
        {
            if (sample.WaitEventType == "IO") io++;
        }

        var share = io / (double)samples.Count;
        if (io == 0 || share < context.Threshold("minIoTimeShare")) return;
        foreach (var other in context.Plan.Nodes)
        {
            if (other.RelationName is not null && (other.TotalCost ?? 0) > (node.TotalCost ?? 0)) return;
        }

        var sampled = samples[^1].Elapsed.TotalMilliseconds;
        context.Report(node,
            $"The command waited on disk reads in {io} of {samples.Count} samples taken while it ran ({RuleText.Percent(share)} of {RuleText.Ms(sampled)}); {PlanPath.ShortName(node)} carries the most estimated cost of the plan's scans, so most of those reads are likely its own.",
            "Read fewer pages: an index that reaches the wanted rows directly (or a covering one), or a working set small enough to stay in shared_buffers; run EXPLAIN (ANALYZE, BUFFERS) on a copy to see which node reads them.",
            [Fact("ioSamples", io), Fact("samples", samples.Count), Fact("ioShare", share), Fact("sampledMs", sampled)],
            basis: FindingBasis.Observed);
    }
}
