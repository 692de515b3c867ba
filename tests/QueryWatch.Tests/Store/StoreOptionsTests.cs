using Xunit;

namespace QueryWatch.Tests.Store;

/// <summary>The Store section: off by default, never creating a schema unless asked, validated like the other options.</summary>
public sealed class StoreOptionsTests
{
    [Fact]
    public void Store_is_off_and_never_creates_its_schema_by_default()
    {
        var options = new QueryWatchOptions();

        Assert.Null(options.Store.ConnectionString);
        Assert.False(options.Store.CreateSchema);
        Assert.Empty(QueryWatchOptionsValidator.Check(options));
    }

    [Fact]
    public void Blank_store_connection_string_is_reported_with_its_property_and_a_fix()
    {
        var options = new QueryWatchOptions { Store = { ConnectionString = " " } };

        var error = Assert.Single(QueryWatchOptionsValidator.Check(options));

        Assert.Contains("QueryWatchOptions.Store.ConnectionString", error, StringComparison.Ordinal);
        Assert.Contains(": set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_copies_the_store_section_so_later_changes_do_not_reach_a_running_pipeline()
    {
        var options = new QueryWatchOptions { Store = { ConnectionString = "Host=store", CreateSchema = true } };

        var copy = options.Clone();
        options.Store.ConnectionString = "Host=other";

        Assert.Equal("Host=store", copy.Store.ConnectionString);
        Assert.True(copy.Store.CreateSchema);
    }
}
