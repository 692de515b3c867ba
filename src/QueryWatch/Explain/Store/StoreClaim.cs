namespace QueryWatch.Explain.Store;

/// <summary>
/// The Store's answer to a claim: whether this instance may explain the shape, when its claim started (to release
/// it), and the fleet's count of cancelled and timed-out captures of it so far (this batch's included).
/// </summary>
internal readonly record struct StoreClaim(bool Won, DateTimeOffset ClaimedAt, long FleetUnfinishedCount);
