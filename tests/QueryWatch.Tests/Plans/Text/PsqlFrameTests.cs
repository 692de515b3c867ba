using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

public sealed class PsqlFrameTests
{
    public static TheoryData<string> Frames() => new(Directory.GetFiles(TextFixtures.Dir("psql-frames"), "*.txt").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Frames))]
    public void Every_psql_frame_reads_to_the_same_tree(string file)
    {
        var plan = TextFixtures.Parse("psql-frames", file);
        Assert.Equal(
            ["Hash Join", "Seq Scan", "Hash", "Bitmap Heap Scan", "Bitmap Index Scan"],
            plan.Nodes.Select(n => n.NodeType));
        Assert.Equal([null, "Outer", "Inner", "Outer", "Outer"], plan.Nodes.Select(n => n.ParentRelationship));
        Assert.Equal("(u.t_id = t.id)", plan.Root.HashCond);
        Assert.Equal("(a < 3)", plan.Nodes[4].IndexCond);
        Assert.Equal(3050, plan.Nodes[4].PlanRows);
        Assert.Single(TextPlanParser.ParseAll(TextFixtures.Read("psql-frames", file)));
    }
}
