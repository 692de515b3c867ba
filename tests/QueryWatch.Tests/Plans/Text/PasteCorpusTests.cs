using Xunit;
using QueryWatch.IntegrationTests;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

/// <summary>
/// Issue #12 part 2: every paste in Fixtures/pastes (captured live from psql in each display style,
/// see its README) reads to the same tree as its JSON twin, the JSON the server returned for the same
/// EXPLAIN. A paste named <c>case.mode.text.style.txt</c> or <c>case.mode.json.style.txt</c> is twinned
/// with <c>case.mode.json</c>.
/// </summary>
public sealed class PasteCorpusTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pastes");

    // The top folder holds PostgreSQL 15's captures, pg18/ PostgreSQL 18's (same cases, same psql).
    public static TheoryData<string> Pastes() =>
        new(Directory.GetFiles(Dir, "*.txt", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Dir, f).Replace('\\', '/')).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Pastes))]
    public void Paste_reads_to_the_same_tree_as_its_json_twin(string paste)
    {
        var folder = Path.GetDirectoryName(paste) ?? "";
        var parts = Path.GetFileName(paste).Split('.');
        var twin = JsonPlanParser.Parse(File.ReadAllText(Path.Combine(Dir, folder, parts[0] + "." + parts[1] + ".json")));
        var text = File.ReadAllText(Path.Combine(Dir, paste));

        var plan = PlanReader.Read(text);

        var difference = PlanModelComparer.FirstDifference(plan, twin);
        Assert.True(difference is null, $"{paste}: {difference}");
        Assert.Equal(twin.Nodes.Count, plan.Nodes.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pg18")]
    public void Corpus_covers_every_case_and_display_style(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(Dir, folder), "*.txt").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        string[] cases = ["initplan", "cte", "subplan", "one_node", "update_partitioned", "delete_inherited", "merge_partitioned", "foreign_delete", "join"];
        string[] text = ["aligned", "border0", "border2", "unicode", "unicode-border2", "expanded", "unaligned", "csv", "wrapped-narrow", "unicode-wrapped-narrow", "double-spaced", "quoted", "grid"];
        string[] json = ["aligned", "unicode", "border2", "csv", "echo", "session"];
        foreach (var c in cases)
            foreach (var mode in (string[])["costs", "costs-off"])
            {
                foreach (var s in text) Assert.Contains($"{c}.{mode}.text.{s}.txt", files);
                foreach (var s in json) Assert.Contains($"{c}.{mode}.json.{s}.txt", files);
            }
    }
}

/// <summary>Issue #12 part 2: a paste the reader cannot read whole is refused with the line, never read as a smaller tree.</summary>
public sealed class PasteRefusalTests
{
    [Fact]
    public void Subplan_label_above_the_first_node_is_refused_with_its_line()
    {
        // A paste cut above its top node: "InitPlan 1" labels a child of a node that is not there.
        const string paste = "   InitPlan 1 (returns $0)\n     ->  Limit\n           ->  Index Only Scan Backward using t_pkey on t\n";

        var e = Assert.Throws<PlanParseException>(() => TextPlanParser.Parse(paste));

        Assert.Equal(1, e.Line);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Child_node_after_the_tree_ended_is_refused_with_its_line()
    {
        const string paste = " Seq Scan on t  (cost=0.00..1.01 rows=1 width=4)\n\nthen\n   ->  Index Scan using t_pkey on t  (cost=0.29..8.30 rows=1 width=8)\n";

        var e = Assert.Throws<PlanParseException>(() => TextPlanParser.Parse(paste));

        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Subplan_label_after_the_tree_ended_is_refused_with_its_line()
    {
        const string paste = " Result\n   One-Time Filter: false\n\nlater:\n   SubPlan 1\n";

        var e = Assert.Throws<PlanParseException>(() => TextPlanParser.Parse(paste));

        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Top_node_followed_by_an_init_plan_is_the_root()
    {
        var plan = TextPlanParser.Parse(" Result\n   InitPlan 1 (returns $0)\n     ->  Limit\n           ->  Index Only Scan Backward using t_pkey on t\n                 Index Cond: (id IS NOT NULL)\n(5 rows)\n");

        Assert.Equal(["Result", "Limit", "Index Only Scan"], plan.Nodes.Select(n => n.NodeType));
        Assert.Equal("InitPlan", plan.Nodes[1].ParentRelationship);
    }
}
