namespace QueryWatch.Explain;

/// <summary>
/// How one attempt ended: <see cref="Result"/> when the probe ran; otherwise <see cref="Refusal"/> (not built),
/// <see cref="TimedOut"/> (cut at ProbeTimeout) or <see cref="Failure"/> (an error, named without its message).
/// </summary>
internal sealed record ProbeOutcome(BetProbe? Probe, ProbeResult? Result, ProbeRefusal Refusal, bool TimedOut, string? Failure)
{
    public static ProbeOutcome Refused(ProbeRefusal refusal) => new(null, null, refusal, false, null);
}
