using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Options;

public sealed class RewriteOptionsTests
{
    public static TheoryData<Action<RewriteOptions>, string, string> InvalidRewrites => new()
    {
        { o => o.Mode = (RewriteMode)7, "Rewrites.Mode", "7" },
        { o => o.DisabledRewrites = ["RW999"], "Rewrites.DisabledRewrites", "RW999" },
        { o => o.DisabledRewrites = ["RW005"], "Rewrites.DisabledRewrites", "RW004" }, // the fix lists every known id
        { o => (o.Mode, o.Environments) = (RewriteMode.Apply, []), "Rewrites.Environments", "(empty)" },
        { o => o.Environments = [" "], "Rewrites.Environments", "blank" },
    };

    [Theory]
    [MemberData(nameof(InvalidRewrites))]
    public void Invalid_rewrite_option_is_reported_with_its_property_value_and_a_fix(Action<RewriteOptions> change, string property, string value)
    {
        var options = new QueryWatchOptions();
        change(options.Rewrites);

        var error = Assert.Single(QueryWatchOptionsValidator.Check(options));

        Assert.Contains("QueryWatchOptions." + property, error);
        Assert.Contains(value, error);
    }

    [Fact]
    public void Disabled_ids_are_accepted_in_any_case()
    {
        var options = new QueryWatchOptions();
        options.Rewrites.DisabledRewrites = ["rw001", "RW002", "rw004"];

        Assert.Empty(QueryWatchOptionsValidator.Check(options));
        Assert.Equal("RW001,RW002,RW004", RewriteSettings.DisabledKey(options.Rewrites));
    }

    [Theory]
    [InlineData("Staging", RewriteMode.Apply)]
    [InlineData("staging", RewriteMode.Apply)]
    [InlineData("Production", RewriteMode.Suggest)]
    public void Apply_acts_only_in_a_listed_host_environment_and_suggests_elsewhere(string environment, RewriteMode effective)
    {
        var options = new RewriteOptions { Mode = RewriteMode.Apply };

        Assert.Equal(effective, RewriteSettings.EffectiveMode(options, environment));
    }

    [Fact]
    public void Clone_does_not_share_the_rewrite_lists()
    {
        var options = new QueryWatchOptions();
        var copy = options.Clone();

        options.Rewrites.Environments.Add("Test");
        options.Rewrites.Mode = RewriteMode.Apply;

        Assert.Equal(["Staging"], copy.Rewrites.Environments);
        Assert.Equal(RewriteMode.Off, copy.Rewrites.Mode);
    }
}
