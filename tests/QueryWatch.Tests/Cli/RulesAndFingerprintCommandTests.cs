using QueryWatch.Rules;
using Xunit;
using System.Text.Json;

namespace QueryWatch.Tests.Cli;

public sealed class RulesAndFingerprintCommandTests
{
    [Fact]
    public void Rules_lists_the_whole_catalogue_one_line_each()
    {
        var run = CliRun.Of("rules");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.TrimEnd().Split('\n');
        // Presence and order, not a count: the catalogue grows (one line per rule, in id order).
        Assert.Equal(RuleCatalogue.All.Count, lines.Length);
        Assert.StartsWith("QW001  distinct-existence-check", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("QW014  limit-walks-index", lines[13], StringComparison.Ordinal);
        Assert.StartsWith("QW023  temp-spill", lines[22], StringComparison.Ordinal);
        Assert.StartsWith("QW024  lock-wait", lines[23], StringComparison.Ordinal);
        Assert.StartsWith("QW025  early-stop-bet", lines[24], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("QW027  repeated-statement", StringComparison.Ordinal));
    }

    [Fact]
    public void Fingerprint_prints_one_line_per_statement_id_tab_normalized()
    {
        var run = CliRun.WithInput("SELECT * FROM t WHERE id = 42;\n-- a comment; with a semicolon\nDELETE FROM t WHERE name = 'x;y';", "fingerprint", "-");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            Assert.Equal(2, parts.Length);
            Assert.Matches("^[0-9a-f]{16}$", parts[0]);
        }
        Assert.DoesNotContain("42", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("x;y", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_gives_one_id_to_the_same_statement_with_other_literals()
    {
        var a = CliRun.WithInput("SELECT * FROM t WHERE id IN (1, 2, 3)", "fingerprint", "-").Out.Split('\t')[0];
        var b = CliRun.WithInput("select *\n  from t where id in (7)", "fingerprint", "-").Out.Split('\t')[0];

        Assert.Equal(a, b);
    }

    [Fact]
    public void Fingerprint_json_is_an_array_of_id_and_normalized()
    {
        var run = CliRun.WithInput("SELECT 1; SELECT 2 FROM u", "fingerprint", "-", "--format", "json");

        using var doc = JsonDocument.Parse(run.Out);
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(16, i.GetProperty("id").GetString()!.Length));
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("normalized").GetString())));
    }

    [Fact]
    public void An_unknown_option_value_exits_two()
    {
        var run = CliRun.Of("analyze", "-", "--format", "yaml");

        Assert.Equal(2, run.ExitCode);
    }
}
