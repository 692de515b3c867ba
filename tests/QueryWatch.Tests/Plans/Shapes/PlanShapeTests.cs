using Xunit;
using QueryWatch.Plans;
using QueryWatch.Tests.Plans.Text;

namespace QueryWatch.Tests.Plans.Shapes;

/// <summary>
/// The shape hash (issue #15) on PostgreSQL 15's own output: each fixture statement was captured in four
/// forms (TEXT and JSON, estimated and ANALYZE); the four are one plan and must give one hash.
/// </summary>
public sealed class PlanShapeTests
{
    private static readonly string[] Forms = ["analyze.json", "analyze.txt", "estimated.json", "estimated.txt"];

    public static TheoryData<string, string> Quadruples()
    {
        var data = new TheoryData<string, string>();
        foreach (var sub in (string[])["healthy", "rules"])
        {
            foreach (var file in Directory.GetFiles(TextFixtures.Dir(sub), "*-analyze.json").Order(StringComparer.Ordinal))
                data.Add(sub, Path.GetFileName(file)[..^"-analyze.json".Length]);
        }
        return data;
    }

    public static TheoryData<string> TextJsonPairs() =>
        new(Directory.GetFiles(TextFixtures.Dir("text"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Quadruples))]
    public void Text_json_estimated_and_analyzed_forms_of_one_plan_share_a_hash(string sub, string name)
    {
        var shapes = Forms.Select(form => PlanShape.Render(PlanReader.Read(TextFixtures.Read(sub, name + "-" + form)))).ToArray();
        var hashes = Forms.Select(form => PlanShape.Hash(PlanReader.Read(TextFixtures.Read(sub, name + "-" + form)))).Distinct().ToArray();
        Assert.True(hashes.Length == 1, string.Join("\n----\n", shapes));
    }

    [Theory]
    [MemberData(nameof(TextJsonPairs))]
    public void Text_and_json_of_one_statement_share_a_hash(string name)
    {
        var text = PlanReader.Read(TextFixtures.Read("text", name + ".txt"));
        var json = PlanReader.Read(TextFixtures.Read("text", name + ".json"));
        Assert.Equal(PlanShape.Render(json), PlanShape.Render(text));
        Assert.Equal(PlanShape.Hash(json), PlanShape.Hash(text));
    }

    [Fact]
    public void Hash_is_the_same_in_every_process()
    {
        // A recorded hash is compared with one computed by another process or release: it must not be seeded.
        // The value is FNV-1a 64 over "0Seq Scan on events\n" as UTF-16LE, computed independently.
        var plan = PlanReader.Read("Seq Scan on events  (cost=0.00..11405.00 rows=10 width=12)\n  Filter: (account_id = 4242)\n");
        Assert.Equal("Seq Scan on events", PlanShape.Render(plan).TrimEnd());
        Assert.Equal("89a4444870675e59", PlanShape.HashText(plan));
    }

    [Fact]
    public void Costs_rows_aliases_and_literals_do_not_move_the_hash()
    {
        var a = PlanReader.Read("""
            Nested Loop  (cost=0.29..16.34 rows=1 width=8)
              ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
                    Filter: (name = 'x'::text)
              ->  Index Scan using ix_orders_customer on orders o  (cost=0.29..8.31 rows=1 width=8)
                    Index Cond: (customer_id = c.id)
            """);
        var b = PlanReader.Read("""
            Nested Loop  (cost=0.58..99.34 rows=120 width=8) (actual time=0.1..0.2 rows=3 loops=1)
              ->  Seq Scan on customers cu  (cost=0.00..80.00 rows=12 width=4) (actual time=0.1..0.2 rows=1 loops=1)
                    Filter: (name = 'secret'::text)
                    Rows Removed by Filter: 99
              ->  Index Scan using ix_orders_customer on orders ord  (cost=0.29..8.31 rows=10 width=8) (never executed)
                    Index Cond: (customer_id = cu.id)
            """);
        Assert.Equal(PlanShape.Hash(a), PlanShape.Hash(b));
    }

    [Theory]
    [InlineData("Index Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)", "Seq Scan on orders  (cost=0.00..1.00 rows=1 width=8)")]
    [InlineData("Index Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)", "Index Scan using ix_orders_customer_date on orders  (cost=0.29..8.31 rows=1 width=8)")]
    [InlineData("Index Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)", "Index Scan Backward using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)")]
    [InlineData("Index Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)", "Index Only Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)")]
    [InlineData("Seq Scan on orders  (cost=0.00..1.00 rows=1 width=8)", "Parallel Seq Scan on orders  (cost=0.00..1.00 rows=1 width=8)")]
    [InlineData("HashAggregate  (cost=0.00..1.00 rows=1 width=8)", "GroupAggregate  (cost=0.00..1.00 rows=1 width=8)")]
    [InlineData("Hash Join  (cost=0.00..1.00 rows=1 width=8)", "Hash Left Join  (cost=0.00..1.00 rows=1 width=8)")]
    public void A_changed_node_moves_the_hash(string before, string after)
    {
        Assert.NotEqual(PlanShape.Hash(PlanReader.Read(before)), PlanShape.Hash(PlanReader.Read(after)));
    }

    [Fact]
    public void A_swapped_join_order_moves_the_hash()
    {
        var a = PlanReader.Read("""
            Hash Join  (cost=1.00..2.00 rows=1 width=8)
              Hash Cond: (o.customer_id = c.id)
              ->  Seq Scan on orders o  (cost=0.00..1.00 rows=1 width=8)
              ->  Hash  (cost=1.00..1.00 rows=1 width=4)
                    ->  Seq Scan on customers c  (cost=0.00..1.00 rows=1 width=4)
            """);
        var b = PlanReader.Read("""
            Hash Join  (cost=1.00..2.00 rows=1 width=8)
              Hash Cond: (o.customer_id = c.id)
              ->  Seq Scan on customers c  (cost=0.00..1.00 rows=1 width=4)
              ->  Hash  (cost=1.00..1.00 rows=1 width=4)
                    ->  Seq Scan on orders o  (cost=0.00..1.00 rows=1 width=8)
            """);
        Assert.NotEqual(PlanShape.Hash(a), PlanShape.Hash(b));
    }

    [Fact]
    public void A_hashed_subplan_differs_from_a_per_row_one()
    {
        const string Plain = """
            Seq Scan on customers c  (cost=0.00..100.00 rows=50 width=4)
              Filter: (NOT (SubPlan 1))
              SubPlan 1
                ->  Seq Scan on orders o  (cost=0.00..1.00 rows=1 width=4)
            """;
        var plain = PlanReader.Read(Plain);
        var hashed = PlanReader.Read(Plain.Replace("(SubPlan 1)", "(hashed SubPlan 1)", StringComparison.Ordinal));
        Assert.Equal("SubPlan: Seq Scan on orders", PlanShape.Lines(plain)[1].Text);
        Assert.Equal("hashed SubPlan: Seq Scan on orders", PlanShape.Lines(hashed)[1].Text);
    }

    [Fact]
    public void Diff_pairs_the_node_that_changed_and_keeps_the_rest()
    {
        var before = PlanReader.Read("""
            Nested Loop  (cost=0.29..16.34 rows=1 width=8)
              ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
              ->  Index Scan using ix_orders_customer on orders o  (cost=0.29..8.31 rows=1 width=8)
            """);
        var after = PlanReader.Read("""
            Nested Loop  (cost=0.29..16.34 rows=1 width=8)
              ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
              ->  Seq Scan on orders o  (cost=0.29..8.31 rows=1 width=8)
            """);
        var diff = PlanShapeDiff.Compare(before, after);
        Assert.False(diff.IsSame);
        Assert.Equal(["Index Scan using ix_orders_customer on orders → Seq Scan on orders"], diff.Differences());
        Assert.Equal([PlanShapeChange.Same, PlanShapeChange.Same, PlanShapeChange.Changed], diff.Rows.Select(r => r.Kind));
        Assert.True(PlanShapeDiff.Compare(before, before).IsSame);
    }

    [Fact]
    public void Diff_reports_added_and_removed_nodes()
    {
        var before = PlanReader.Read("""
            Sort  (cost=1.00..2.00 rows=1 width=8)
              ->  Seq Scan on orders  (cost=0.00..1.00 rows=1 width=8)
            """);
        var after = PlanReader.Read("Index Scan using ix_orders_date on orders  (cost=0.29..8.31 rows=1 width=8)");
        var diff = PlanShapeDiff.Compare(before, after);
        Assert.Equal(["Sort → Index Scan using ix_orders_date on orders", "removed: Seq Scan on orders"], diff.Differences());
    }
}
