using System.Text.Json;
using Xunit;

namespace QueryWatch.Tests.Cli;

/// <summary><c>querywatch diff BEFORE AFTER</c> (issue #15): exit 0 same shape, 1 changed, 2 unreadable.</summary>
public sealed class DiffCommandTests
{
    private static string Rule(string name) => CliRun.Fixture("plans", "rules", name);

    [Fact]
    public void Same_plan_in_json_with_analyze_and_text_without_exits_0()
    {
        var run = CliRun.Of("diff", Rule("QW009-bad-analyze.json"), Rule("QW009-bad-estimated.txt"));

        Assert.Equal(0, run.ExitCode);
        var hashes = run.Out.Split('\n').Where(l => l.Contains(" shape ", StringComparison.Ordinal)).Select(l => l[^16..]).ToArray();
        Assert.Equal(2, hashes.Length);
        Assert.Equal(hashes[0], hashes[1]);
        Assert.Contains("Same shape", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_plan_exits_1_and_names_the_node_that_changed()
    {
        var run = CliRun.Of("diff", Rule("QW009-bad-estimated.txt"), Rule("QW009-fixed-estimated.json"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Seq Scan on events → Bitmap Heap Scan on events", run.Out, StringComparison.Ordinal);
        Assert.Contains("* Seq Scan on events", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lists_hashes_shapes_and_differences()
    {
        var run = CliRun.Of("diff", Rule("QW009-bad-estimated.txt"), Rule("QW009-fixed-estimated.txt"), "--format", "json");

        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("same").GetBoolean());
        Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("before").GetProperty("hash").GetString()!);
        Assert.NotEqual(root.GetProperty("before").GetProperty("hash").GetString(), root.GetProperty("after").GetProperty("hash").GetString());
        Assert.Equal("Seq Scan on events", root.GetProperty("before").GetProperty("shape")[0].GetString());
        var difference = root.GetProperty("differences")[0];
        Assert.Equal("changed", difference.GetProperty("change").GetString());
        Assert.Equal("Seq Scan on events", difference.GetProperty("before").GetString());
    }

    [Fact]
    public void A_plan_on_standard_input_is_compared_with_a_file()
    {
        var run = CliRun.WithInput(File.ReadAllText(Rule("QW009-bad-analyze.txt")), "diff", "-", Rule("QW009-bad-estimated.json"));

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Standard_input_for_both_plans_exits_2()
    {
        var run = CliRun.WithInput("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)", "diff", "-", "-");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("only one", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_plan_exits_2_with_one_line()
    {
        var run = CliRun.WithInput("this is not a plan", "diff", "-", Rule("QW009-bad-estimated.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Empty(run.Out);
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        var run = CliRun.Of("diff", Rule("QW009-bad-estimated.json"), Rule("no-such-plan.txt"));

        Assert.Equal(2, run.ExitCode);
    }
}
