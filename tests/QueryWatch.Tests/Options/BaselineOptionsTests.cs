using Xunit;

namespace QueryWatch.Tests.Options;

/// <summary><c>BaselineSampleRate</c> (issue #15): a share between 0 and 1, 0.0001 by default.</summary>
public sealed class BaselineOptionsTests
{
    [Fact]
    public void Baseline_sample_rate_defaults_to_one_command_in_ten_thousand()
        => Assert.Equal(0.0001, new QueryWatchOptions().BaselineSampleRate);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(0.5)]
    public void Baseline_sample_rate_between_0_and_1_is_valid(double rate)
        => Assert.Empty(QueryWatchOptionsValidator.Check(new QueryWatchOptions { BaselineSampleRate = rate }));

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(-0.1, "-0.1")]
    [InlineData(double.NaN, "NaN")]
    public void Baseline_sample_rate_outside_0_to_1_is_reported_with_a_fix(double rate, string shown)
    {
        var error = Assert.Single(QueryWatchOptionsValidator.Check(new QueryWatchOptions { BaselineSampleRate = rate }));

        Assert.Contains("QueryWatchOptions.BaselineSampleRate", error);
        Assert.Contains(shown, error);
        Assert.Contains(": set", error);
    }
}
