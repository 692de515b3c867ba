using System.Text.Json;
using QueryWatch.Explain.Store;
using Xunit;

namespace QueryWatch.Tests.Store;

/// <summary>The plan the Store keeps for the report's tree: literals out, names and figures in.</summary>
public sealed class PlanJsonRedactorTests
{
    private const string Plan = """
        [{"Plan":{"Node Type":"Seq Scan","Relation Name":"items","Alias":"i","Total Cost":1887.00,"Plan Rows":1,
          "Filter":"((i.note = 'secret-note'::text) AND (i.category = 4242))","Output":["i.id"]},
          "Settings":{"work_mem":"64MB"},"Query Identifier":7161408583790722008}]
        """;

    [Fact]
    public void Literals_of_every_expression_are_replaced_and_names_and_figures_stay()
    {
        var redacted = PlanJsonRedactor.Redact(Plan)!;

        Assert.DoesNotContain("secret-note", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("4242", redacted, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(redacted);
        var node = json.RootElement[0].GetProperty("Plan");
        Assert.Equal("((i.note = '…'::text) AND (i.category = …))", node.GetProperty("Filter").GetString());
        Assert.Equal("Seq Scan", node.GetProperty("Node Type").GetString());
        Assert.Equal("items", node.GetProperty("Relation Name").GetString());
        Assert.Equal(1887.00, node.GetProperty("Total Cost").GetDouble());
        Assert.Equal(7161408583790722008, json.RootElement[0].GetProperty("Query Identifier").GetInt64());
    }

    [Fact]
    public void Text_that_is_not_json_gives_no_plan()
    {
        Assert.Null(PlanJsonRedactor.Redact("Seq Scan on items"));
    }
}
