using Xunit;
using QueryWatch.Rules;

namespace QueryWatch.Tests.Options;

public sealed class QueryWatchOptionsValidatorTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        Assert.Empty(QueryWatchOptionsValidator.Check(new QueryWatchOptions()));
    }

    public static TheoryData<Action<QueryWatchOptions>, string, string> InvalidOptions => new()
    {
        { o => o.SlowCommandThreshold = TimeSpan.Zero, "SlowCommandThreshold", "00:00:00" },
        { o => o.SlowCommandThreshold = TimeSpan.FromSeconds(-1), "SlowCommandThreshold", "-00:00:01" },
        { o => o.SampleRate = 1.5, "SampleRate", "1.5" },
        { o => o.SampleRate = -0.1, "SampleRate", "-0.1" },
        { o => o.SampleRate = double.NaN, "SampleRate", "NaN" },
        { o => o.ExplainCooldown = TimeSpan.FromMinutes(-1), "ExplainCooldown", "-00:01:00" },
        { o => o.MaxExplainsPerMinute = 0, "MaxExplainsPerMinute", "= 0" },
        { o => o.QueueCapacity = -5, "QueueCapacity", "-5" },
        { o => o.ExplainStatementTimeout = TimeSpan.Zero, "ExplainStatementTimeout", "00:00:00" },
        { o => o.ExplainConnectionString = "  ", "ExplainConnectionString", "(blank)" },
        { o => o.ProbeTimeout = TimeSpan.Zero, "ProbeTimeout", "00:00:00" },
        { o => o.InFlightSampleInterval = TimeSpan.FromMilliseconds(-500), "InFlightSampleInterval", "-00:00:00.5" },
    };

    [Fact]
    public void Zero_in_flight_sample_interval_is_valid_and_turns_live_sampling_off()
        => Assert.Empty(QueryWatchOptionsValidator.Check(new QueryWatchOptions { InFlightSampleInterval = TimeSpan.Zero }));

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_option_is_reported_with_its_property_value_and_a_fix(Action<QueryWatchOptions> change, string property, string value)
    {
        var options = new QueryWatchOptions();
        change(options);

        var error = Assert.Single(QueryWatchOptionsValidator.Check(options));

        Assert.Contains("QueryWatchOptions." + property, error);
        Assert.Contains(value, error);
        Assert.Contains(": set", error);
    }

    [Fact]
    public void Validator_fails_the_options_with_every_error_at_once()
    {
        var options = new QueryWatchOptions { SampleRate = 2, QueueCapacity = 0 };

        var result = new QueryWatchOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Every_public_option_documents_its_default()
    {
        var doc = System.Xml.Linq.XDocument.Load(Path.ChangeExtension(typeof(QueryWatchOptions).Assembly.Location, ".xml"));
        var properties = typeof(QueryWatchOptions).GetProperties().Select(p => "P:QueryWatch.QueryWatchOptions." + p.Name).ToList();

        Assert.NotEmpty(properties);
        foreach (var name in properties)
        {
            var summary = doc.Descendants("member").Single(m => (string?)m.Attribute("name") == name).Element("summary")!.Value;
            Assert.Contains("Default", summary);
        }
    }

    [Fact]
    public void Clone_does_not_follow_later_changes_to_the_original()
    {
        var options = new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromSeconds(1) };
        options.Rules["QW009"] = new RuleOptions { Enabled = false };

        var copy = options.Clone();
        options.SlowCommandThreshold = TimeSpan.FromSeconds(9);
        options.Rules["QW001"] = new RuleOptions();

        Assert.Equal(TimeSpan.FromSeconds(1), copy.SlowCommandThreshold);
        Assert.Equal(["QW009"], copy.Rules.Keys);
    }
}
