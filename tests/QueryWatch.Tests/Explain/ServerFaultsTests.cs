using QueryWatch.Explain;
using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class ServerFaultsTests
{
    [Theory]
    [InlineData("items", "items")]
    [InlineData("Items", "\"Items\"")]
    [InlineData("app-reader", "\"app-reader\"")]
    [InlineData("odd\"name", "\"odd\"\"name\"")]
    public void Identifier_in_a_grant_is_quoted_only_when_SQL_needs_it(string identifier, string expected)
        => Assert.Equal(expected, ServerFaults.Quote(identifier));
}
