using QueryWatch.Explain;
using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class ExplainCooldownTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Released_shape_may_be_explained_again_at_once()
    {
        var cooldown = new InMemoryExplainCooldown(TimeSpan.FromMinutes(10));
        Assert.True(cooldown.TryEnter(42, s_now));
        Assert.False(cooldown.TryEnter(42, s_now.AddSeconds(1)));

        cooldown.Release(42, s_now);

        Assert.True(cooldown.TryEnter(42, s_now.AddSeconds(2)));
    }

    [Fact]
    public void Release_of_an_older_entry_leaves_a_later_one_cooling()
    {
        var cooldown = new InMemoryExplainCooldown(TimeSpan.FromMinutes(10));
        Assert.True(cooldown.TryEnter(42, s_now));

        cooldown.Release(42, s_now.AddSeconds(-30));

        Assert.False(cooldown.TryEnter(42, s_now.AddSeconds(1)));
    }
}
