using System.Globalization;
using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// Live samples: the command spent most of its sampled time waiting on a heavyweight lock
/// (<c>wait_event_type</c> <c>Lock</c>). No plan shows this; the samples name who held the lock.
/// </summary>
internal sealed class QW024LockWait : IPlanRule
{
    public string Id => "QW024";
    public string Name => "lock-wait";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Live samples show the command spent most of its time waiting on a lock another transaction held: the plan was not the problem";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // share of the samples (taken at a fixed interval, so of the sampled time) spent waiting on a lock
        ["minLockShare"] = 0.5,
        ["minSamples"] = 1,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // Once per plan: the wait belongs to the whole command, reported at its root.
        if (node.Parent is not null || context.Observed is not { Samples: { Count: > 0 } samples } observed) return;
        if (samples.Count < context.Threshold("minSamples")) return;

        var waits = 0;
        string? waitEvent = null;
        foreach (var sample in samples)
        {
            if (!IsLockWait(sample)) continue;
            waits++;
            waitEvent = sample.WaitEvent;
        }

        var share = waits / (double)samples.Count;
        if (waits == 0 || share < context.Threshold("minLockShare")) return;

        var blocker = MainBlocker(samples);
        var sampled = samples[^1].Elapsed;
        var locking = HasLockRows(context.Plan.Root);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"The command waited on a lock ({waitEvent ?? "Lock"}) in {waits} of {samples.Count} samples taken while it ran (to {Seconds(sampled)}{(observed.Finished ? "" : ", then it was cancelled")}): ")
            + (blocker is null
                ? "the process holding the lock was not seen in pg_stat_activity. The plan was not the problem: the wait was."
                : $"{Describe(blocker)}. The plan was not the problem: the wait was.");
        var holder = blocker?.State is "idle in transaction" or "idle in transaction (aborted)"
            ? $"Process {blocker.ProcessId} keeps its transaction open while doing nothing: commit (or roll back) as soon as its work is done, and set idle_in_transaction_session_timeout so an abandoned transaction ends by itself. "
            : blocker is not null
                ? $"Process {blocker.ProcessId} holds the lock for as long as its transaction runs: keep transactions that lock rows short, and commit sooner. "
                : "Keep transactions that lock rows short, and commit sooner; idle_in_transaction_session_timeout ends an abandoned one. ";
        var suggestion = holder
            + "Give this command a lock_timeout (SET lock_timeout = '2s') so it fails fast instead of waiting out statement_timeout"
            + (locking
                ? "; if it picks work from a queue, SELECT ... FOR UPDATE SKIP LOCKED takes the next free row instead of waiting (NOWAIT fails at once)."
                : "; a queue picker should use SELECT ... FOR UPDATE SKIP LOCKED (or NOWAIT).");

        var evidence = new List<KeyValuePair<string, string>>
        {
            Fact("lockSamples", waits),
            Fact("samples", samples.Count),
            Fact("lockShare", share),
            Fact("sampledMs", sampled.TotalMilliseconds),
        };
        if (waitEvent is not null) evidence.Add(Fact("waitEvent", waitEvent));
        if (blocker is not null)
        {
            evidence.Add(Fact("blockerPid", blocker.ProcessId));
            if (blocker.ApplicationName is { } app) evidence.Add(Fact("blockerApplication", app));
            if (blocker.State is { } state) evidence.Add(Fact("blockerState", state));
            if (blocker.TransactionAge is { } age) evidence.Add(Fact("blockerTransactionSeconds", Math.Round(age.TotalSeconds)));
            if (blocker.Statement is { } statement) evidence.Add(Fact("blockerStatement", statement));
        }

        context.Report(node, message, suggestion, evidence, basis: FindingBasis.Observed);
    }

    private static bool IsLockWait(ActivitySample sample) => string.Equals(sample.WaitEventType, "Lock", StringComparison.Ordinal);

    // The process seen blocking in the most samples; its latest sighting (the oldest transaction age).
    private static BlockingProcess? MainBlocker(IReadOnlyList<ActivitySample> samples)
    {
        var counts = new Dictionary<int, (int Count, BlockingProcess Latest)>();
        foreach (var sample in samples)
        {
            if (!IsLockWait(sample)) continue;
            foreach (var blocker in sample.Blockers)
            {
                counts.TryGetValue(blocker.ProcessId, out var seen);
                counts[blocker.ProcessId] = (seen.Count + 1, blocker);
            }
        }

        BlockingProcess? best = null;
        var bestCount = 0;
        foreach (var (_, (count, latest)) in counts)
        {
            if (count <= bestCount) continue;
            best = latest;
            bestCount = count;
        }
        return best;
    }

    private static string Describe(BlockingProcess blocker)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"held by process {blocker.ProcessId}");
        if (blocker.ApplicationName is { } app) text += $" (application '{app}')";
        if (blocker.State is { } state)
        {
            text += ", " + state;
            if (blocker.TransactionAge is { } age) text += " for " + Seconds(age);
        }
        else if (blocker.TransactionAge is { } age)
        {
            text += ", its transaction open for " + Seconds(age);
        }

        if (blocker.Statement is { } statement) text += $", whose last statement was: {statement}";
        return text;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds >= 10
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(span.TotalSeconds):0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s");

    private static bool HasLockRows(PlanNode root)
    {
        if (root.NodeType == "LockRows") return true;
        foreach (var child in root.Children)
        {
            if (HasLockRows(child)) return true;
        }
        return false;
    }
}
