using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace QueryWatch.Rewrites;

/// <summary>
/// The process's verified rewrites. A lookup for a text whose length no entry has returns before hashing
/// the text (a bit per length, modulo 1024), so a book with a few entries costs the commands that are not
/// in it one array read; a text of a known length costs one ordinal string hash and compare.
/// </summary>
internal sealed class InMemoryRewriteBook : IRewriteBook
{
    private const int LengthBits = 1024; // a power of two

    private readonly ConcurrentDictionary<string, VerifiedRewrite> _byOriginal = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VerifiedRewrite> _byRewritten = new(StringComparer.Ordinal);
    private readonly long[] _lengths = new long[LengthBits / 64];

    public int Count => _byOriginal.Count;

    public bool TryFind(string commandText, [NotNullWhen(true)] out VerifiedRewrite? rewrite)
    {
        rewrite = null;
        if (commandText is null || !MayHave(commandText.Length)) return false;
        return _byOriginal.TryGetValue(commandText, out rewrite) && !rewrite.IsTurnedOff && !rewrite.IsStale;
    }

    public bool TryFindRewritten(string commandText, [NotNullWhen(true)] out VerifiedRewrite? rewrite)
    {
        rewrite = null;
        return commandText is not null && _byRewritten.TryGetValue(commandText, out rewrite);
    }

    public bool Contains(string originalSql) =>
        _byOriginal.TryGetValue(originalSql, out var entry) && (entry.IsTurnedOff || !entry.IsStale);

    public bool TryAdd(VerifiedRewrite rewrite)
    {
        // The rewritten text first: a failure of a command sent rewritten must find its entry.
        // A stale entry (its verification ran out) is replaced; one turned off stays off.
        if (_byOriginal.TryGetValue(rewrite.OriginalSql, out var old))
        {
            if (old.IsTurnedOff || !old.IsStale || !_byOriginal.TryUpdate(rewrite.OriginalSql, rewrite, old)) return false;
            _byRewritten[rewrite.RewrittenSql] = rewrite;
            return true;
        }

        _byRewritten.TryAdd(rewrite.RewrittenSql, rewrite);
        if (!_byOriginal.TryAdd(rewrite.OriginalSql, rewrite)) return false;
        var length = rewrite.OriginalSql.Length & (LengthBits - 1);
        Interlocked.Or(ref _lengths[length >> 6], 1L << (length & 63));
        return true;
    }

    private bool MayHave(int length)
    {
        length &= LengthBits - 1;
        return (Volatile.Read(ref _lengths[length >> 6]) & (1L << (length & 63))) != 0;
    }
}
