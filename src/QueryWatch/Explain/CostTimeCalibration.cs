using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>
/// Milliseconds per unit of planner cost on one server, learned from the plans this worker explained with
/// ANALYZE: the median of the last <see cref="Window"/> (execution time ÷ root total cost). One per pipeline,
/// so per connection string; only the worker's loop touches it.
/// </summary>
internal sealed class CostTimeCalibration
{
    /// <summary>How many recent plans the median is taken over.</summary>
    public const int Window = 64;

    // A plan this cheap measures mostly fixed overhead (executor start, network), not the cost model.
    private const double MinCost = 100;

    private readonly double[] _ratios = new double[Window];
    private int _count;
    private int _next;

    /// <summary>The learned factor, or <see cref="ObservedRun.DefaultMsPerCostUnit"/> before any ANALYZE'd plan was seen.</summary>
    public double MsPerCostUnit
    {
        get
        {
            if (_count == 0) return ObservedRun.DefaultMsPerCostUnit;
            var sorted = _ratios[.._count];
            Array.Sort(sorted);
            return _count % 2 == 1 ? sorted[_count / 2] : (sorted[_count / 2 - 1] + sorted[_count / 2]) / 2;
        }
    }

    /// <summary>Takes one ANALYZE'd plan's ratio into the window; plans without timing or too cheap to tell are skipped.</summary>
    public void Learn(Plan plan)
    {
        if (!plan.HasActuals || plan.ExecutionTimeMs is not { } ms || plan.Root.TotalCost is not { } cost || cost < MinCost || ms <= 0) return;
        _ratios[_next] = ms / cost;
        _next = (_next + 1) % Window;
        if (_count < Window) _count++;
    }
}
