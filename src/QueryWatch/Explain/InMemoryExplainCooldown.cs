using System.Collections.Concurrent;

namespace QueryWatch.Explain;

/// <summary>The per-process cooldown: last explain time per fingerprint, pruned so it cannot grow without bound.</summary>
internal sealed class InMemoryExplainCooldown(TimeSpan period, int maxEntries = 10_000) : IExplainCooldown
{
    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _lastExplained = new();

    public bool TryEnter(ulong fingerprint, DateTimeOffset now)
    {
        if (period <= TimeSpan.Zero) return true;
        if (_lastExplained.TryGetValue(fingerprint, out var last) && now - last < period) return false;
        if (_lastExplained.Count >= maxEntries) Prune(now);
        _lastExplained[fingerprint] = now;
        return true;
    }

    public void Release(ulong fingerprint, DateTimeOffset entered)
        // Only the entry this attempt made: another capture's later entry stays.
        => _lastExplained.TryRemove(new KeyValuePair<ulong, DateTimeOffset>(fingerprint, entered));

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, last) in _lastExplained)
        {
            if (now - last >= period) _lastExplained.TryRemove(key, out _);
        }

        // Every entry still cooling: forget them all rather than grow; the worst case is an early re-explain.
        if (_lastExplained.Count >= maxEntries) _lastExplained.Clear();
    }
}
