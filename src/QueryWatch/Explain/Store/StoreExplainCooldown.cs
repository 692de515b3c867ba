using System.Globalization;
using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;

namespace QueryWatch.Explain.Store;

/// <summary>
/// The cooldown shared by a fleet (issue #14): the process's own cooldown first (a shape this instance explained or
/// saw claimed within the period costs no round trip), then a claim in the Store that one instance wins per period.
/// A capture that loses is only counted. While the Store cannot be used the process's own cooldown decides alone.
/// </summary>
internal sealed class StoreExplainCooldown(InMemoryExplainCooldown local, FleetStore store, ILogger logger) : IExplainCooldown
{
    // The claims this instance holds, to release one whose explain never reached the server. Worker thread only.
    private readonly Dictionary<ulong, DateTimeOffset> _claims = [];

    public bool TryEnter(ulong fingerprint, DateTimeOffset now) => local.TryEnter(fingerprint, now);

    public async ValueTask<bool> TryEnterAsync(ulong fingerprint, DateTimeOffset now, CancellationToken ct)
    {
        if (!local.TryEnter(fingerprint, now)) return false;
        if (await store.TryClaimAsync(fingerprint, ct).ConfigureAwait(false) is not { } claim) return true;
        if (claim.Won)
        {
            if (_claims.Count >= FleetStore.MaxPendingCaptures) _claims.Clear();
            _claims[fingerprint] = claim.ClaimedAt;
            return true;
        }

        // Another instance explains it; the local entry stays, so this one asks again only after the period.
        QueryWatchMetrics.Explained("claimed_elsewhere");
        Log.StoreClaimLost(logger, fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        return false;
    }

    public void Release(ulong fingerprint, DateTimeOffset entered)
    {
        local.Release(fingerprint, entered);
        if (_claims.Remove(fingerprint, out var claimedAt)) store.Release(fingerprint, claimedAt);
    }
}
