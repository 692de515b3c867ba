using Xunit;
using System.Text;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>The shapes of input the JSON reader accepts: psql pastes, bare objects, several results, newer versions.</summary>
public sealed class JsonPlanParserInputTests
{
    [Fact]
    public void Psql_aligned_paste_with_header_continuations_and_footer_is_read()
    {
        var text = JsonFixtures.Text("psql-aligned-paste.txt");

        var plan = JsonPlanParser.Parse(text);

        Assert.Equal("Hash Join", plan.Root.NodeType);
        Assert.Equal(7520.76, plan.Root.TotalCost);
        Assert.Equal(["Hash Join", "Seq Scan", "Hash", "Aggregate", "Bitmap Heap Scan", "Bitmap Index Scan"], plan.Nodes.Select(n => n.NodeType));
        Assert.Equal("(c.id = orders.customer_id)", plan.Root.HashCond);
    }

    [Fact]
    public void Psql_paste_reads_the_same_from_bytes_as_from_text()
    {
        var fromText = JsonPlanParser.Parse(JsonFixtures.Text("psql-aligned-paste.txt"));
        var fromBytes = JsonPlanParser.Parse(JsonFixtures.Bytes("psql-aligned-paste.txt"));

        Assert.Equal(fromText.Nodes.Select(n => (n.NodeType, n.TotalCost, n.Filter)), fromBytes.Nodes.Select(n => (n.NodeType, n.TotalCost, n.Filter)));
    }

    [Fact]
    public void Two_explains_pasted_from_psql_give_two_plans_to_ParseAll_and_the_first_to_Parse()
    {
        var text = JsonFixtures.Text("psql-two-explains.txt");

        var all = JsonPlanParser.ParseAll(text);
        var first = JsonPlanParser.Parse(text);

        Assert.Equal(["Aggregate", "Index Scan"], all.Select(p => p.Root.NodeType));
        Assert.Equal("orders_pkey", all[1].Root.IndexName);
        Assert.Equal("Aggregate", first.Root.NodeType);
    }

    [Fact]
    public void Array_with_several_results_gives_each_to_ParseAll()
    {
        var json = "[" + Inner("sort-spill.json") + "," + Inner("jit.json") + "]";

        var all = JsonPlanParser.ParseAll(json);

        Assert.Equal(["Sort", "Aggregate"], all.Select(p => p.Root.NodeType));
        Assert.Equal(5, all[1].Jit!.Functions);
        Assert.Equal("Sort", JsonPlanParser.Parse(json).Root.NodeType);
    }

    [Fact]
    public void Bare_result_object_without_the_array_is_read()
    {
        var plan = JsonPlanParser.Parse(Inner("window-agg.json"));

        Assert.Equal("WindowAgg", plan.Root.NodeType);
        Assert.Equal(0.594, plan.ExecutionTimeMs);
    }

    [Fact]
    public void Byte_order_mark_and_windows_line_ends_are_accepted()
    {
        var text = "\uFEFF" + JsonFixtures.Text("window-agg.json").ReplaceLineEndings("\r\n");

        Assert.Equal("WindowAgg", JsonPlanParser.Parse(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text[1..])).ToArray()).Root.NodeType);
        Assert.Equal("WindowAgg", JsonPlanParser.Parse(text).Root.NodeType);
    }

    [Fact]
    public void PostgreSQL_17_and_18_shapes_fill_the_same_model()
    {
        var plan = JsonFixtures.Parse("pg17-18-shapes.json");

        var jit = plan.Jit!;
        Assert.Equal(0.950, jit.GenerationMs);
        Assert.Equal("0.120", jit.Extra["Generation Deform"]);
        Assert.Equal(8.850, jit.TotalMs);
        Assert.Equal(0.125, plan.Root.Buffers!.IoReadTimeMs);
        var scan = plan.Root.Children[0];
        Assert.Equal(0.5, scan.ActualRows);
        Assert.Equal(1, scan.TotalActualRows);
        Assert.Equal("2", scan.Extra["Index Searches"]);
        Assert.Equal("false", scan.Extra["Disabled"]);
        Assert.Equal(12, plan.PlanningBuffers!.SharedHit);
        Assert.Contains("\"Memory Used\":23", plan.Extra["Planning"], StringComparison.Ordinal);
        Assert.Equal("{\"Time\":0.004,\"Output Volume\":1,\"Format\":\"text\"}", plan.Extra["Serialization"]);
    }

    [Fact]
    public void Wrong_value_types_are_kept_as_extra_not_thrown()
    {
        const string json = """
            [{"Plan": {"Node Type": "Seq Scan", "Actual Rows": "many", "Total Cost": true, "Plan Rows": null,
              "Relation Name": 42, "Output": ["a", 1, {"b": 2}], "Workers": [1, {"Worker Number": "x", "Actual Rows": 5}],
              "Plans": []},
              "Planning Time": "fast", "Settings": {"work_mem": 64, "jit": false}, "Triggers": [1, {"Trigger Name": 3, "Calls": 2}],
              "JIT": {"Functions": "some", "Timing": {"Total": "x", "Generation": [1]}}}]
            """;

        var plan = JsonPlanParser.Parse(json);

        var node = plan.Root;
        Assert.Equal("Seq Scan", node.NodeType);
        Assert.Null(node.ActualRows);
        Assert.Equal("many", node.Extra["Actual Rows"]);
        Assert.Equal("true", node.Extra["Total Cost"]);
        Assert.Equal("null", node.Extra["Plan Rows"]);
        Assert.Equal("42", node.Extra["Relation Name"]);
        Assert.Equal("[\"a\",1,{\"b\":2}]", node.Extra["Output"]);
        Assert.Empty(node.Children);
        var worker = Assert.Single(node.Workers);
        Assert.Equal(("x", 5d), (worker.Extra["Worker Number"], worker.ActualRows!.Value));
        Assert.Equal("fast", plan.Extra["Planning Time"]);
        Assert.Null(plan.PlanningTimeMs);
        Assert.Equal(("64", "false"), (plan.Settings["work_mem"], plan.Settings["jit"]));
        Assert.Equal(2, Assert.Single(plan.Triggers).Calls);
        Assert.Equal("some", plan.Jit!.Extra["Functions"]);
        Assert.Equal("[1]", plan.Jit.Extra["Generation"]);
    }

    [Fact]
    public void Escaped_property_names_still_map_to_the_model()
    {
        var plan = JsonPlanParser.Parse("""{"Plan": {"Node\u0020Type": "Result", "Total\u0020Cost": 1.5, "Pla\u006es": [{"Node Type": "Seq Scan"}]}}""");

        Assert.Equal(("Result", 1.5), (plan.Root.NodeType, plan.Root.TotalCost!.Value));
        Assert.Equal("Seq Scan", Assert.Single(plan.Root.Children).NodeType);
    }

    [Theory]
    [InlineData("[{\"Plan\":{}}]", true)]
    [InlineData("  \n {\"Plan\":{}}", true)]
    [InlineData("                QUERY PLAN\n-----------------\n [               +\n", true)]
    [InlineData("\uFEFF[", true)]
    [InlineData("QUERY PLAN\n----------\n Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n(1 row)", false)]
    [InlineData("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)", false)]
    [InlineData("->  Seq Scan on t", false)]
    [InlineData("", false)]
    [InlineData("   \n\n", false)]
    public void LooksLikeJson_sees_past_psql_framing(string input, bool expected)
    {
        Assert.Equal(expected, PlanReader.LooksLikeJson(input));
    }

    private static string Inner(string fixture)
    {
        var text = JsonFixtures.Text(fixture).Trim();
        return text[1..^1];
    }
}
