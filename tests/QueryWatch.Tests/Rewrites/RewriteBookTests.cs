using Microsoft.Extensions.Logging.Abstractions;
using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

public sealed class RewriteBookTests
{
    private static VerifiedRewrite Verified(string sql)
        => new(DistinctRewriter.TryRewrite(sql)!, "0123456789abcdef", 10, 5, "SELECT ...", NullLogger.Instance);

    [Fact]
    public void Book_finds_only_the_exact_text_it_verified()
    {
        var book = new InMemoryRewriteBook();
        const string sql = "SELECT DISTINCT a FROM t LIMIT 1";
        book.TryAdd(Verified(sql));

        Assert.True(book.TryFind(sql, out var found));
        Assert.Equal("SELECT a FROM t LIMIT 1", found.RewrittenSql);
        Assert.False(book.TryFind(sql + " ", out _));
        Assert.False(book.TryFind("SELECT DISTINCT b FROM t LIMIT 1", out _)); // same length, other text
    }

    [Fact]
    public void Turned_off_rewrite_is_no_longer_found_but_stays_known_so_it_is_not_verified_again()
    {
        var book = new InMemoryRewriteBook();
        const string sql = "SELECT 1 WHERE EXISTS (SELECT DISTINCT a FROM t)";
        book.TryAdd(Verified(sql));
        Assert.True(book.TryFindRewritten("SELECT 1 WHERE EXISTS (SELECT a FROM t)", out var sent));

        Assert.True(sent.TryTurnOff());

        Assert.False(sent.TryTurnOff());
        Assert.False(book.TryFind(sql, out _));
        Assert.True(book.Contains(sql));
        Assert.False(book.TryAdd(Verified(sql)));
    }

    [Fact]
    public void First_use_is_reported_once()
    {
        var rewrite = Verified("SELECT DISTINCT a FROM t LIMIT 1");

        Assert.True(rewrite.TryMarkFirstUse());
        Assert.False(rewrite.TryMarkFirstUse());
    }

    [Theory]
    [InlineData("@p0", "p0", true)]
    [InlineData("@p0", "@p0", true)]
    [InlineData(":take", "take", true)]
    [InlineData("@p0", "p1", false)]
    [InlineData("@p0", "", false)]
    public void Limit_placeholder_matches_the_parameter_with_or_without_its_prefix(string placeholder, string name, bool matches)
    {
        Assert.Equal(matches, LimitPlaceholder.Matches(placeholder, name));
    }

    [Theory]
    [InlineData("$1", 0)]
    [InlineData("$12", 11)]
    [InlineData("@p1", -1)]
    [InlineData("$x", -1)]
    public void Positional_placeholder_names_its_parameter_by_index(string placeholder, int index)
    {
        Assert.Equal(index, LimitPlaceholder.PositionOf(placeholder));
    }
}
