using System.Data;
using NpgsqlTypes;
using QueryWatch.Explain;

using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class ExplainTextTests
{
    private static CapturedParameter Input(string name, object? value = null)
        => new(name, value, NpgsqlDbType.Integer, null, DbType.Int32, ParameterDirection.Input);

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(17, true)]
    public void Generic_plan_is_used_only_from_PostgreSQL_16(int major, bool expected)
    {
        Assert.Equal(expected, ExplainText.SupportsGenericPlan(new Version(major, 0)));
    }

    [Theory]
    [InlineData(false, false, "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\n")]
    [InlineData(true, false, "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS, ANALYZE, BUFFERS)\n")]
    [InlineData(false, true, "EXPLAIN (GENERIC_PLAN, FORMAT JSON, VERBOSE, SETTINGS)\n")]
    [InlineData(true, true, "EXPLAIN (GENERIC_PLAN, FORMAT JSON, VERBOSE, SETTINGS)\n")]
    public void Generic_plan_prefix_never_carries_analyze(bool analyze, bool genericPlan, string expected)
    {
        Assert.Equal(expected, ExplainText.Prefix(analyze, genericPlan));
    }

    [Fact]
    public void Named_placeholders_become_positional_by_first_appearance()
    {
        var sql = "SELECT * FROM t WHERE b = @p1 /* @p0 */ AND a = @p0 AND c = '@p1' AND d = @p1";

        var generic = ExplainText.WithPositionalPlaceholders(sql, [Input("p0"), Input("@p1")]);

        Assert.Equal("SELECT * FROM t WHERE b = $1 /* @p0 */ AND a = $2 AND c = '@p1' AND d = $1", generic);
    }

    [Fact]
    public void Output_parameters_and_unknown_names_keep_their_text()
    {
        var output = new CapturedParameter("p9", null, null, null, DbType.Int32, ParameterDirection.Output);

        Assert.Equal("SELECT @p9, @other, $1", ExplainText.WithPositionalPlaceholders("SELECT @p9, @other, $1", [output]));
    }

    [Fact]
    public void A_consumed_stream_cannot_be_bound_again()
    {
        Assert.False(CommandCapture.CanRebind(Input("p", new MemoryStream([1, 2]))));
        Assert.True(CommandCapture.CanRebind(Input("p", new byte[] { 1, 2 })));
    }
}
