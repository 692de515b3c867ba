using Microsoft.Extensions.Logging;

namespace QueryWatch.Rewrites;

/// <summary>
/// A rewrite the worker verified for one command text: the original and the rewritten statement both
/// EXPLAINed without error with the same parameters, and the rewrite's total cost was no higher.
/// Immutable but for two one-way flags (first use logged, turned off), set without locks.
/// </summary>
internal sealed class VerifiedRewrite
{
    private readonly long _validUntil;
    private int _used;
    private int _turnedOff;

    /// <param name="rewrite">The rewrite of the whole command text.</param>
    /// <param name="fingerprint">The original statement's fingerprint (16 hex digits).</param>
    /// <param name="originalCost">The original plan's total cost.</param>
    /// <param name="rewrittenCost">The rewritten plan's total cost.</param>
    /// <param name="loggedRewrittenSql">The rewritten SQL as logs may show it: normalized unless values may be logged.</param>
    /// <param name="logger">Where the interceptor reports this rewrite's first use and its turning off.</param>
    /// <param name="validFor">
    /// How long the verification holds (RW004: a NOT NULL constraint can be dropped); after it the original runs
    /// again until the worker verifies anew. Null: for the life of the process.
    /// </param>
    public VerifiedRewrite(SqlRewrite rewrite, string fingerprint, double originalCost, double rewrittenCost, string loggedRewrittenSql, ILogger logger,
        TimeSpan? validFor = null)
    {
        _validUntil = validFor is { } period ? Environment.TickCount64 + (long)Math.Max(0, period.TotalMilliseconds) : long.MaxValue;
        Rewrite = rewrite;
        Fingerprint = fingerprint;
        OriginalCost = originalCost;
        RewrittenCost = rewrittenCost;
        LoggedRewrittenSql = loggedRewrittenSql;
        Logger = logger;
        RewriteIdList = string.Join(",", rewrite.RewriteIds);
    }

    public SqlRewrite Rewrite { get; }

    public string OriginalSql => Rewrite.OriginalSql;

    public string RewrittenSql => Rewrite.RewrittenSql;

    public string Fingerprint { get; }

    public double OriginalCost { get; }

    public double RewrittenCost { get; }

    public string LoggedRewrittenSql { get; }

    /// <summary>The ids joined with commas, for logs (<c>RW001</c>, <c>RW002,RW003</c>).</summary>
    public string RewriteIdList { get; }

    public ILogger Logger { get; }

    public bool IsTurnedOff => Volatile.Read(ref _turnedOff) != 0;

    /// <summary>True once the verification's validity has run out: the original runs until it is verified again.</summary>
    public bool IsStale => _validUntil != long.MaxValue && Environment.TickCount64 >= _validUntil;

    /// <summary>True exactly once: for the first execution sent rewritten (the one to log).</summary>
    public bool TryMarkFirstUse() => Volatile.Read(ref _used) == 0 && Interlocked.Exchange(ref _used, 1) == 0;

    /// <summary>Turns the rewrite off for the process; true for the caller that turned it off.</summary>
    public bool TryTurnOff() => Interlocked.Exchange(ref _turnedOff, 1) == 0;
}
