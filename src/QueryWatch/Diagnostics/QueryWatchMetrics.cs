using System.Diagnostics.Metrics;

namespace QueryWatch.Diagnostics;

/// <summary>The <c>QueryWatch</c> meter and its instruments; names are a contract (README's metrics list).</summary>
internal static class QueryWatchMetrics
{
    public const string MeterName = "QueryWatch";

    private static readonly Meter s_meter = new(MeterName, typeof(QueryWatchMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_captured = s_meter.CreateCounter<long>(
        "querywatch.commands.captured", "{command}", "Commands over the threshold, cancelled, timed out or failed, by outcome.");

    private static readonly Counter<long> s_explains = s_meter.CreateCounter<long>(
        "querywatch.explains", "{explain}", "Captured commands the worker handled, by result.");

    private static readonly Counter<long> s_findings = s_meter.CreateCounter<long>(
        "querywatch.findings", "{finding}", "Plan findings logged, by rule.");

    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>(
        "querywatch.queue.dropped", "{command}", "Captured commands dropped unexplained, by reason: full (the queue), bytes (its byte budget), stale (older than MaxCaptureAge), stopped (captured after the host stopped).");

    private static readonly Histogram<double> s_explainDuration = s_meter.CreateHistogram<double>(
        "querywatch.explain.duration", "ms", "Time the worker spent explaining one captured command.");

    private static readonly Counter<long> s_rewritesApplied = s_meter.CreateCounter<long>(
        "querywatch.rewrites.applied", "{command}", "Commands sent rewritten, by rewrite id.");

    private static readonly Counter<long> s_probes = s_meter.CreateCounter<long>(
        "querywatch.probes", "{probe}", "Bounded probes of a finding's bet, by result (run, skipped, timed_out, failed) and, when skipped, reason.");

    private static readonly Counter<long> s_inFlightSamples = s_meter.CreateCounter<long>(
        "querywatch.inflight.samples", "{sample}", "Samples of running commands' backends taken by the live sampler.");

    private static readonly Counter<long> s_inFlightTableFull = s_meter.CreateCounter<long>(
        "querywatch.inflight.table_full", "{command}", "Commands not sampled while running because the in-flight slot table was full.");

    private static readonly Counter<long> s_inFlightFailed = s_meter.CreateCounter<long>(
        "querywatch.inflight.failed", "{query}", "Live sampling queries that failed.");

    /// <summary>One command that found no free slot. Allocation-free: runs on the interceptor's hot path (rarely).</summary>
    public static void InFlightTableFull() => s_inFlightTableFull.Add(1);

    public static void InFlightSampled(int samples)
    {
        if (samples > 0) s_inFlightSamples.Add(samples);
    }

    public static void InFlightSampleFailed() => s_inFlightFailed.Add(1);

    /// <summary>One command sent rewritten, counted under each of its ids. Allocation-free: runs on the interceptor's hot path.</summary>
    public static void RewriteApplied(IReadOnlyList<string> rewriteIds)
    {
        if (!s_rewritesApplied.Enabled) return;
        for (var i = 0; i < rewriteIds.Count; i++) s_rewritesApplied.Add(1, new KeyValuePair<string, object?>("rewrite", rewriteIds[i]));
    }

    public static void Captured(string outcome) => s_captured.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Explained(string result) => s_explains.Add(1, new KeyValuePair<string, object?>("result", result));

    public static void FindingLogged(string ruleId) => s_findings.Add(1, new KeyValuePair<string, object?>("rule", ruleId));

    public static void Dropped(string reason = "full") => s_dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void ExplainDuration(TimeSpan elapsed) => s_explainDuration.Record(elapsed.TotalMilliseconds);

    public static void Probe(string result, string? reason = null)
    {
        if (reason is null) s_probes.Add(1, new KeyValuePair<string, object?>("result", result));
        else s_probes.Add(1, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("reason", reason));
    }
}
