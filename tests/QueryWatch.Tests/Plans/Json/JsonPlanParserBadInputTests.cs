using Xunit;
using System.Text;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>Input that is not a plan gives one PlanParseException with a one-line reason and a byte offset, never another exception.</summary>
public sealed class JsonPlanParserBadInputTests
{
    [Theory]
    [InlineData("", "empty input", 0)]
    [InlineData("  \r\n\t ", "empty input", 0)]
    [InlineData("QUERY PLAN\n----\n(0 rows)", "no JSON array or object found", 0)]
    [InlineData("[]", "not an EXPLAIN result: empty array", 0)]
    [InlineData("[1]", "not an EXPLAIN result: array element is not an object", 1)]
    [InlineData("{\"a\":1}", "not an EXPLAIN result: no \"Plan\" property", 0)]
    [InlineData("[{\"a\":1}, {\"Plan\": {\"Node Type\": \"Result\"}}]", "not an EXPLAIN result: no \"Plan\" property", 1)]
    [InlineData("[{\"Plan\": 3}]", "\"Plan\" is not an object", 10)]
    [InlineData("[{\"Plan\": {\"Total Cost\": 1}}]", "plan node without \"Node Type\"", 10)]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Limit\", \"Plans\": [{\"Node Type\": \"Sort\"}, {\"Plan Rows\": 5}]}}]", "plan node without \"Node Type\"", 66)]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Limit\", \"Plans\": [\"Sort\"]}}]", "\"Plans\" holds something other than a plan node", 43)]
    public void Input_that_is_not_a_plan_names_the_reason_and_offset(string input, string reason, long offset)
    {
        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(input));

        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Seq Scan\"")]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Seq Scan\"}}")]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Seq Sc")]
    [InlineData("{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Total Cost\": 1.}}")]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Seq Scan\",}}]")]
    [InlineData("[{\"Plan\": {\"Node Type\": 'Seq Scan'}}]")]
    public void Truncated_or_malformed_json_is_a_parse_error_with_an_offset(string input)
    {
        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(input));

        Assert.StartsWith("malformed JSON: ", e.Reason, StringComparison.Ordinal);
        Assert.InRange(e.Offset!.Value, 1, input.Length);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Truncated_real_plan_reports_where_it_stopped()
    {
        var bytes = JsonFixtures.Bytes("subplan-initplan-cte.json");
        var cut = bytes.Length / 2;

        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(bytes.AsSpan(0, cut)));

        Assert.InRange(e.Offset!.Value, cut - 200, cut);
        Assert.StartsWith($"offset {e.Offset}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_a_parse_error()
    {
        byte[] input = [.. "[{\"Plan\": {\"Node Type\": \""u8, 0xC3, 0x28, .. "\"}}]"u8];

        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(input));

        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void Random_bytes_never_throw_anything_but_a_parse_error()
    {
        var random = new Random(20240601);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 0) bytes[0] = (byte)"[{"[i % 4 / 2];
            try
            {
                JsonPlanParser.Parse(bytes);
            }
            catch (PlanParseException)
            {
            }
        }
    }

    [Fact]
    public void Plan_nested_ten_thousand_levels_deep_is_refused_without_overflowing_the_stack()
    {
        var json = SyntheticJsonPlan.GenerateChain(10_000);

        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(json));

        Assert.Equal($"plan nested deeper than {JsonPlanReader.MaxPlanDepth} levels", e.Reason);
        Assert.True(e.Offset > 0);
    }

    [Fact]
    public void Plan_nested_as_deep_as_allowed_is_read()
    {
        var plan = JsonPlanParser.Parse(SyntheticJsonPlan.GenerateChain(JsonPlanReader.MaxPlanDepth));

        Assert.Equal(JsonPlanReader.MaxPlanDepth + 1, plan.Nodes.Count);
        Assert.Equal("Result", plan.Nodes[^1].NodeType);
    }

    [Fact]
    public void Deeply_nested_unknown_value_is_a_parse_error_not_a_crash()
    {
        var json = "[{\"Plan\": {\"Node Type\": \"Result\", \"Odd\": " + new string('[', 100_000) + new string(']', 100_000) + "}}]";

        var e = Assert.Throws<PlanParseException>(() => JsonPlanParser.Parse(json));

        Assert.StartsWith("malformed JSON: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_node_plan_is_read_completely()
    {
        var plan = JsonPlanParser.Parse(SyntheticJsonPlan.Generate(10_000));

        Assert.Equal(10_000, plan.Nodes.Count);
        Assert.Equal(plan.Nodes.Count(n => n.Children.Count == 0), plan.Nodes.Count(n => n.RelationName is not null));
        Assert.All(plan.Nodes.Where(n => n.Id % 5 == 0), n => Assert.Equal(2, n.Workers.Count));
    }

    [Fact]
    public void Fifty_megabyte_plan_is_read()
    {
        var bytes = SyntheticJsonPlan.Generate(20_000, filterPadding: 4_000);
        Assert.True(bytes.Length > 50_000_000);

        var plan = JsonPlanParser.Parse(Encoding.UTF8.GetString(bytes));

        Assert.Equal(20_000, plan.Nodes.Count);
        Assert.EndsWith("    )", plan.Nodes[^1].Filter, StringComparison.Ordinal);
    }
}
