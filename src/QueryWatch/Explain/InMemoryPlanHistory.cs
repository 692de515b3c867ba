using QueryWatch.Plans;

namespace QueryWatch.Explain;

/// <summary>
/// The process's plan history (issue #15), one per explain pipeline: the last shape of at most
/// <paramref name="maxStatements"/> statements, the least recently seen forgotten first. Each keeps a
/// skeleton of its plan (a few hundred bytes a node) and its last <see cref="DurationsKept"/> durations.
/// Written by the worker; the lock is for tests and any other reader, never on the application's path.
/// </summary>
internal sealed class InMemoryPlanHistory(int maxStatements = 1_000) : IPlanHistory
{
    /// <summary>Durations kept per shape: enough for a median, not a time series.</summary>
    public const int DurationsKept = 8;

    private readonly Dictionary<ulong, Entry> _entries = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    public ValueTask<PlanRecord?> LastAsync(ulong fingerprint, CancellationToken ct)
    {
        lock (_lock)
        {
            return new(_entries.TryGetValue(fingerprint, out var entry) ? entry.Last : null);
        }
    }

    public ValueTask<DateTimeOffset?> LastBaselineAsync(ulong fingerprint, CancellationToken ct)
    {
        lock (_lock)
        {
            return new(_entries.TryGetValue(fingerprint, out var entry) ? entry.LastBaseline : null);
        }
    }

    public ValueTask RecordAsync(ulong fingerprint, Plan shape, ulong shapeHash, TimeSpan duration, DateTimeOffset at, bool baseline, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(fingerprint, out var entry))
            {
                if (_entries.Count >= maxStatements) ForgetOldest();
                entry = new Entry();
                _entries[fingerprint] = entry;
            }

            if (entry.Last is { } last && last.ShapeHash == shapeHash)
            {
                var durations = new List<TimeSpan>(last.Durations);
                if (durations.Count >= DurationsKept) durations.RemoveAt(0);
                durations.Add(duration);
                entry.Last = last with { LastSeen = at > last.LastSeen ? at : last.LastSeen, Durations = durations };
            }
            else
            {
                entry.Last = new PlanRecord(fingerprint, shapeHash, shape, at, at, [duration]);
            }

            if (baseline) entry.LastBaseline = at;
        }
        return ValueTask.CompletedTask;
    }

    private void ForgetOldest()
    {
        var oldest = default(ulong);
        var oldestSeen = DateTimeOffset.MaxValue;
        foreach (var (key, entry) in _entries)
        {
            var seen = entry.Last?.LastSeen ?? DateTimeOffset.MinValue;
            if (seen < oldestSeen)
            {
                oldestSeen = seen;
                oldest = key;
            }
        }
        _entries.Remove(oldest);
    }

    private sealed class Entry
    {
        public PlanRecord? Last { get; set; }
        public DateTimeOffset? LastBaseline { get; set; }
    }
}
