using Xunit;
using QueryWatch.Explain;

namespace QueryWatch.Tests.Options;

public sealed class QueryTagsTests
{
    [Fact]
    public void Untagged_command_has_no_directives()
    {
        var tags = QueryTags.Read("SELECT 1 -- querywatch:ignore after the statement does not count");

        Assert.False(tags.Ignore);
        Assert.Null(tags.Threshold);
        Assert.Null(tags.Tag);
    }

    [Fact]
    public void Ignore_directive_in_an_EF_tag_line_is_read()
    {
        var tags = QueryTags.Read("-- nightly report\n-- querywatch:ignore\n\nSELECT i.id FROM items AS i");

        Assert.True(tags.Ignore);
        Assert.Equal("-- nightly report\n-- querywatch:ignore", tags.Tag);
    }

    [Theory]
    [InlineData("querywatch:threshold=5s", 5_000)]
    [InlineData("querywatch:threshold=500ms", 500)]
    [InlineData("querywatch:threshold=1.5s", 1_500)]
    [InlineData("querywatch:threshold=2m", 120_000)]
    [InlineData("querywatch:threshold=00:00:05", 5_000)]
    [InlineData("QueryWatch:Threshold=5S", 5_000)]
    [InlineData("report querywatch:threshold=5s, owner ops", 5_000)]
    public void Threshold_directive_is_read_in_its_spellings(string tag, int milliseconds)
    {
        var tags = QueryTags.Read("-- " + tag + "\r\nSELECT 1");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), tags.Threshold);
        Assert.False(tags.Ignore);
    }

    [Theory]
    [InlineData("querywatch:threshold=")]
    [InlineData("querywatch:threshold=fast")]
    [InlineData("querywatch:threshold=-5s")]
    [InlineData("querywatch:threshold=5parsecs")]
    [InlineData("querywatch:threshold=0ms")]
    public void Unreadable_threshold_is_ignored_rather_than_thrown(string tag)
    {
        Assert.Null(QueryTags.Read("-- " + tag + "\nSELECT 1").Threshold);
    }

    [Fact]
    public void Comment_only_command_is_read_without_error()
    {
        Assert.True(QueryTags.Read("-- querywatch:ignore").Ignore);
        Assert.False(QueryTags.Read("").Ignore);
    }
}
