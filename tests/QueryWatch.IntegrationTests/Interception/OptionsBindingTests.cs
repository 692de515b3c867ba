using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryWatch.Rules;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>The appsettings.json shape the README shows binds to the options the engine reads.</summary>
public sealed class OptionsBindingTests
{
    [Fact]
    public void Rule_overrides_in_the_QueryWatch_section_bind_per_rule()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QueryWatch:SlowCommandThreshold"] = "00:00:00.200",
            ["QueryWatch:Rules:QW019:Enabled"] = "false",
            ["QueryWatch:Rules:seq-scan-selective-filter:Severity"] = "Critical",
            ["QueryWatch:Rules:QW009:Thresholds:minRowsScanned"] = "200000",
        }).Build();
        var services = new ServiceCollection().AddQueryWatch(configuration.GetSection("QueryWatch")).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<QueryWatchOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(200), options.SlowCommandThreshold);
        Assert.False(options.Rules["qw019"].Enabled);
        Assert.Equal(RuleSeverity.Critical, options.Rules["seq-scan-selective-filter"].Severity);
        Assert.Equal(200_000, options.Rules["QW009"].Thresholds["minRowsScanned"]);
    }
}
