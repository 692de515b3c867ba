using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Explain;

/// <summary>
/// The worker's step between the rules and the report: for each finding whose estimate rests on a bet over
/// one table, at most one bounded probe; the finding then carries the measured figure and Basis
/// <see cref="FindingBasis.Probed"/>. A probe refused, cut at ProbeTimeout or failed leaves the finding as
/// it was; every attempt is counted on <c>querywatch.probes</c>.
/// </summary>
internal sealed class BetProbes(NpgsqlDataSource dataSource, QueryWatchOptions options, ILogger logger)
{
    // Several findings on one statement can rest on the same walk (QW002 and QW014 on one scan): one probe serves them.
    private const int MaxProbesPerStatement = 3;

    private readonly BetProbeRunner _runner = new(dataSource, options.ProbeTimeout);

    public async Task<IReadOnlyList<Finding>> MeasureAsync(IReadOnlyList<Finding> findings, Plan plan, SqlStatement statement,
        CapturedCommand command, SqlFingerprint fingerprint, CancellationToken ct)
    {
        if (!options.Probes || findings.Count == 0) return findings;
        List<Finding>? measured = null;
        Dictionary<(int, int), ProbeOutcome>? done = null;
        var hasSubPlans = plan.Nodes.Any(n => n.ParentRelationship is "SubPlan" or "InitPlan");
        for (var i = 0; i < findings.Count; i++)
        {
            var finding = findings[i];
            // ANALYZE already measured what a probe would.
            if (!ProbeBuilder.RuleIds.Contains(finding.RuleId) || finding.Basis == FindingBasis.Measured) continue;
            var target = ProbeBuilder.Locate(finding, plan, statement, out var refusal);
            if (target is null)
            {
                Skipped(finding, fingerprint, refusal);
                continue;
            }

            done ??= [];
            var key = (target.Walked.Id, target.Inner?.Id ?? -1);
            if (!done.TryGetValue(key, out var outcome))
            {
                if (done.Count >= MaxProbesPerStatement)
                {
                    Skipped(finding, fingerprint, ProbeRefusal.Budget);
                    continue;
                }

                outcome = await RunAsync(finding, target, hasSubPlans, statement, command, fingerprint, ct).ConfigureAwait(false);
                done[key] = outcome;
            }

            if (outcome is { Probe: { } probe, Result: { } result })
            {
                measured ??= [.. findings];
                measured[i] = WithFigure(finding, probe, result);
            }
        }

        return measured ?? findings;
    }

    private async Task<ProbeOutcome> RunAsync(Finding finding, ProbeTarget target, bool hasSubPlans, SqlStatement statement,
        CapturedCommand command, SqlFingerprint fingerprint, CancellationToken ct)
    {
        ProbeOutcome outcome;
        try
        {
            outcome = await _runner.MeasureAsync(target, hasSubPlans, statement, command.Parameters, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // The SQLSTATE names the failure; PostgreSQL's message can quote a value, so it stays out.
            outcome = new ProbeOutcome(null, null, ProbeRefusal.None, false, (e as PostgresException)?.SqlState ?? e.GetType().Name);
        }

        if (outcome.Refusal != ProbeRefusal.None)
        {
            Skipped(finding, fingerprint, outcome.Refusal);
        }
        else if (outcome.TimedOut)
        {
            QueryWatchMetrics.Probe("timed_out");
            Log.ProbeTimedOut(logger, finding.RuleId, fingerprint.IdHex, (long)options.ProbeTimeout.TotalMilliseconds);
        }
        else if (outcome.Result is { } result)
        {
            QueryWatchMetrics.Probe("run");
            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.ProbeMeasured(logger, finding.RuleId, fingerprint.IdHex, result.Passed, result.Read, (long)result.Elapsed.TotalMilliseconds,
                    SqlFingerprint.Compute(outcome.Probe!.Sql).Normalized);
            }
        }
        else
        {
            QueryWatchMetrics.Probe("failed");
            Log.ProbeFailed(logger, finding.RuleId, fingerprint.IdHex, outcome.Failure ?? "unknown");
        }

        return outcome;
    }

    private void Skipped(Finding finding, SqlFingerprint fingerprint, ProbeRefusal refusal)
    {
        QueryWatchMetrics.Probe("skipped", refusal.Tag());
        Log.ProbeSkipped(logger, finding.RuleId, fingerprint.IdHex, refusal.Tag());
    }

    /// <summary>The finding with what the probe measured, in words (column and index names, never a value) and as evidence.</summary>
    internal static Finding WithFigure(Finding finding, BetProbe probe, ProbeResult result)
    {
        var target = probe.Target;
        var walked = NodeFacts.Table(target.Walked) ?? target.Walked.RelationName ?? "the table";
        var order = target.OrderIndex is { } index ? $" in {index} order" : " as a sequential scan reads them";
        var columns = probe.FilterColumns.Count == 0 ? "" : " on " + string.Join(", ", probe.FilterColumns);
        var first = result.Read < ProbeBuilder.ProbeRows ? $"the {RuleText.Count(result.Read)} rows" : $"the first {RuleText.Count(result.Read)} rows";
        // Against the Limit the walk serves: fewer passing rows than it wants means the bet is lost for these values.
        var wanted = target.Limit?.PlanRows is not { } rows ? ""
            : result.Passed < rows ? $", fewer than the {RuleText.Count(rows)} the Limit wants"
            : $", enough for the Limit's {RuleText.Count(rows)}: with these values the bet holds";
        string figure;
        if (target.Shape == BetShape.IndexWalk)
        {
            figure = $"Probed: of {first} of {walked}{order}, {RuleText.Count(result.Passed)} pass the Filter{columns}{wanted}.";
        }
        else
        {
            var inner = NodeFacts.Table(target.Inner) ?? target.Inner?.RelationName ?? "the inner table";
            figure = $"Probed: of {first} of {walked}{order}, {RuleText.Count(result.Passed)} join a row of {inner} that passes its Filter{columns}{wanted}.";
        }

        return finding with
        {
            Message = finding.Message + " " + figure,
            Evidence = [.. finding.Evidence, Fact("probedRowsRead", result.Read), Fact("probedRowsPassed", result.Passed),
                Fact("probedOrder", target.OrderIndex ?? "table"), Fact("probeMs", Math.Round(result.Elapsed.TotalMilliseconds))],
            Basis = FindingBasis.Probed,
        };
    }
}
