using Xunit;

namespace QueryWatch.Tests.Options;

/// <summary>The options issue #16 added: capture age and byte budgets.</summary>
public sealed class FaultBudgetOptionsValidatorTests
{
    public static TheoryData<Action<QueryWatchOptions>, string, string> InvalidOptions => new()
    {
        { o => o.MaxCaptureAge = TimeSpan.Zero, "MaxCaptureAge", "00:00:00" },
        { o => o.MaxCapturedParameterBytes = -1, "MaxCapturedParameterBytes", "-1" },
        { o => o.MaxQueuedBytes = 0, "MaxQueuedBytes", "= 0" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_budget_is_reported_with_its_property_value_and_a_fix(Action<QueryWatchOptions> change, string property, string value)
    {
        var options = new QueryWatchOptions();
        change(options);

        var error = Assert.Single(QueryWatchOptionsValidator.Check(options));

        Assert.Contains("QueryWatchOptions." + property, error);
        Assert.Contains(value, error);
        Assert.Contains(": set", error);
    }

    [Fact]
    public void Defaults_bound_a_capture_and_the_queue_in_bytes()
    {
        var options = new QueryWatchOptions();

        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxCaptureAge);
        Assert.Equal(256 * 1024, options.MaxCapturedParameterBytes);
        Assert.Equal(16L * 1024 * 1024, options.MaxQueuedBytes);
    }
}
