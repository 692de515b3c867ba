using Xunit;
using System.Text.Json;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

/// <summary>
/// The TEXT and JSON outputs PostgreSQL 15 printed for the same statement must read to the same facts.
/// They come from two executions, so only what the plan fixes is compared, not timings or buffer counts.
/// </summary>
public sealed class TextMatchesJsonTests
{
    public static TheoryData<string> Pairs() => new(Directory.GetFiles(TextFixtures.Dir("text"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f))!);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Text_plan_matches_what_json_says_for_the_same_statement(string name)
    {
        var plan = TextFixtures.Parse("text", name + ".txt");
        using var json = JsonDocument.Parse(TextFixtures.Read("text", name + ".json"));
        var top = json.RootElement[0];
        var expected = new List<JsonElement>();
        var stack = new Stack<JsonElement>();
        stack.Push(top.GetProperty("Plan"));
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            expected.Add(n);
            if (n.TryGetProperty("Plans", out var kids))
                for (var i = kids.GetArrayLength() - 1; i >= 0; i--) stack.Push(kids[i]);
        }
        Assert.Equal(expected.Count, plan.Nodes.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var j = expected[i];
            var node = plan.Nodes[i];
            var where = $"node {i} {node.DisplayName}";
            Assert.True(Str(j, "Node Type") == node.NodeType, where);
            Assert.True(Str(j, "Parent Relationship") == node.ParentRelationship, where + " relationship");
            Assert.True(Str(j, "Subplan Name") == node.SubplanName, where + " subplan name");
            Assert.True(Str(j, "Join Type") == node.JoinType, where + " join type");
            Assert.True(Str(j, "Strategy") == node.Strategy, where + " strategy");
            Assert.True(Str(j, "Partial Mode") == node.PartialMode, where + " partial mode");
            Assert.True((Str(j, "Operation") ?? Str(j, "Command")) == node.Operation, where + " operation");
            Assert.True(Str(j, "Relation Name") == node.RelationName, where + " relation");
            Assert.True(Str(j, "Schema") == node.Schema, where + " schema");
            Assert.True(Str(j, "Alias") == node.Alias, where + " alias");
            Assert.True(Str(j, "Index Name") == node.IndexName, where + " index");
            Assert.True(Str(j, "CTE Name") == node.CteName, where + " cte");
            Assert.True(Str(j, "Function Name") == node.FunctionName, where + " function");
            Assert.True(Str(j, "Scan Direction") == node.ScanDirection, where + " direction");
            Assert.True(Str(j, "Filter") == node.Filter, where + " filter");
            Assert.True(Str(j, "Index Cond") == node.IndexCond, where + " index cond");
            Assert.Equal(j.GetProperty("Parallel Aware").GetBoolean(), node.ParallelAware);
            Assert.Equal(j.GetProperty("Plan Rows").GetDouble(), node.PlanRows);
            Assert.Equal(j.GetProperty("Actual Loops").GetDouble(), node.ActualLoops);
            Assert.Equal(Num(j, "Rows Removed by Filter"), node.RowsRemovedByFilter);
            Assert.Equal(Num(j, "Heap Fetches"), node.HeapFetches);
            Assert.Equal(Num(j, "HashAgg Batches"), node.HashAggBatches);
            Assert.Equal(Num(j, "Hash Batches"), node.HashBatches);
            Assert.Equal(Num(j, "Workers Launched"), node.WorkersLaunched);
            if (j.TryGetProperty("Output", out var output))
                Assert.Equal(output.EnumerateArray().Select(o => o.GetString()), node.Output!);
            if (j.TryGetProperty("Sort Key", out var sortKey))
                Assert.Equal(sortKey.EnumerateArray().Select(o => o.GetString()), node.SortKey!);
            var workers = j.TryGetProperty("Workers", out var w) ? w.GetArrayLength() : 0;
            Assert.Equal(workers, node.Workers.Count);
        }
        if (top.TryGetProperty("Settings", out var settings))
            Assert.Equal(settings.EnumerateObject().Select(p => (p.Name, p.Value.GetString())), plan.Settings.Select(p => (p.Key, (string?)p.Value)));
        if (top.TryGetProperty("Triggers", out var triggers))
            Assert.Equal(triggers.EnumerateArray().Select(t => t.GetProperty("Trigger Name").GetString()), plan.Triggers.Select(t => t.Name));
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static long? Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? (long)v.GetDouble() : null;
}
