using Microsoft.Extensions.Logging.Abstractions;
using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

/// <summary>An RW004 booking lasts one ExplainCooldown: a NOT NULL constraint can be dropped after the proof.</summary>
public sealed class NotInRewriteBookTests
{
    private const string Sql = "SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t)";

    private static VerifiedRewrite Verified(TimeSpan? validFor)
        => new(NotInRewriter.TryRewrite(Sql)!.Rewrite, "0123456789abcdef", 10, 5, "SELECT ...", NullLogger.Instance, validFor);

    [Fact]
    public void Stale_rewrite_runs_the_original_and_is_verified_and_booked_again()
    {
        var book = new InMemoryRewriteBook();
        Assert.True(book.TryAdd(Verified(TimeSpan.Zero)));

        Assert.False(book.TryFind(Sql, out _));
        Assert.False(book.Contains(Sql));
        var fresh = Verified(TimeSpan.FromHours(1));
        Assert.True(book.TryAdd(fresh));
        Assert.True(book.TryFind(Sql, out var found));
        Assert.Same(fresh, found);
        Assert.True(book.TryFindRewritten(fresh.RewrittenSql, out var sent));
        Assert.Same(fresh, sent);
    }

    [Fact]
    public void Current_rewrite_is_kept_and_a_turned_off_one_stays_off_when_stale()
    {
        var book = new InMemoryRewriteBook();
        var current = Verified(TimeSpan.FromHours(1));
        book.TryAdd(current);
        Assert.False(book.TryAdd(Verified(TimeSpan.FromHours(1))));
        Assert.True(book.Contains(Sql));

        var other = new InMemoryRewriteBook();
        var stale = Verified(TimeSpan.Zero);
        other.TryAdd(stale);
        stale.TryTurnOff();
        Assert.True(other.Contains(Sql));
        Assert.False(other.TryAdd(Verified(TimeSpan.FromHours(1))));
        Assert.False(other.TryFind(Sql, out _));
    }
}
