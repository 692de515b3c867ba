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
    [InlineData(11, false)]
    [InlineData(12, true)]
    [InlineData(15, true)]
    public void Generic_plan_needs_plan_cache_mode_from_PostgreSQL_12(int major, bool expected)
    {
        Assert.Equal(expected, ExplainText.SupportsGenericPlan(new Version(major, 0)));
    }

    [Theory]
    [InlineData(false, "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\n")]
    [InlineData(true, "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS, ANALYZE, BUFFERS)\n")]
    public void Prefix_adds_analyze_only_when_asked(bool analyze, string expected)
    {
        Assert.Equal(expected, ExplainText.Prefix(analyze));
    }

    [Fact]
    public void Generic_plan_prepares_with_the_captured_types_and_executes_on_nulls_without_analyze()
    {
        var bytes = new CapturedParameter("@p1", new MemoryStream(), NpgsqlDbType.Bytea, null, DbType.Binary, ParameterDirection.Input);
        var untyped = new CapturedParameter("p0", 3, null, null, DbType.Int32, ParameterDirection.Input);

        var (prepare, explain) = ExplainText.GenericPlan("SELECT length(@p1) WHERE @p0 > 1", [untyped, bytes]);

        Assert.Equal("PREPARE querywatch_generic (bytea, unknown) AS\nSELECT length($1) WHERE $2 > 1", prepare);
        Assert.Equal("EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\nEXECUTE querywatch_generic (NULL, NULL)", explain);
    }

    [Fact]
    public void A_type_name_that_could_end_the_prepare_is_left_for_the_server_to_infer()
    {
        var hostile = new CapturedParameter("p0", null, null, "int); DROP TABLE t; --", DbType.Int32, ParameterDirection.Input);

        Assert.StartsWith("PREPARE querywatch_generic (unknown) AS", ExplainText.GenericPlan("SELECT @p0", [hostile]).Prepare, StringComparison.Ordinal);
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
