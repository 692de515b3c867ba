using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryWatch.Rewrites;

namespace QueryWatch.IntegrationTests.Rewrites;

public sealed class RewriteOptionsBindingTests
{
    private static RewriteOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddQueryWatch(configuration.GetSection("QueryWatch")).BuildServiceProvider();
        return services.GetRequiredService<IOptions<QueryWatchOptions>>().Value.Rewrites;
    }

    [Fact]
    public void Rewrites_section_binds_mode_and_a_configured_environment_list_replaces_the_default()
    {
        var rewrites = Bind(new()
        {
            ["QueryWatch:Rewrites:Mode"] = "Apply",
            ["QueryWatch:Rewrites:Environments:0"] = "Test",
            ["QueryWatch:Rewrites:DisabledRewrites:0"] = "RW003",
        });

        Assert.Equal(RewriteMode.Apply, rewrites.Mode);
        Assert.Equal(["Test"], rewrites.Environments);
        Assert.Equal(["RW003"], rewrites.DisabledRewrites);
    }

    [Fact]
    public void Environment_list_may_be_one_comma_separated_value_as_an_environment_variable_gives_it()
    {
        var rewrites = Bind(new() { ["QueryWatch:Rewrites:Environments"] = "Staging, Test" });

        Assert.Equal(["Staging", "Test"], rewrites.Environments);
    }

    [Fact]
    public void Rewrites_are_off_and_staging_only_unless_configured()
    {
        var rewrites = Bind(new() { ["QueryWatch:SampleRate"] = "0.5" });

        Assert.Equal(RewriteMode.Off, rewrites.Mode);
        Assert.Equal(["Staging"], rewrites.Environments);
        Assert.Empty(rewrites.DisabledRewrites);
    }
}
