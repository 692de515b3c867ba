namespace QueryWatch.Explain;

/// <summary>A sliding one-minute window of explain start times; only the worker's single loop calls it.</summary>
internal sealed class ExplainRateLimiter(int maxPerMinute)
{
    private readonly Queue<DateTimeOffset> _starts = new();

    public bool HasCapacity(DateTimeOffset now)
    {
        Expire(now);
        return _starts.Count < maxPerMinute;
    }

    public bool TryAcquire(DateTimeOffset now)
    {
        Expire(now);
        if (_starts.Count >= maxPerMinute) return false;
        _starts.Enqueue(now);
        return true;
    }

    private void Expire(DateTimeOffset now)
    {
        while (_starts.Count > 0 && now - _starts.Peek() >= TimeSpan.FromMinutes(1)) _starts.Dequeue();
    }
}
