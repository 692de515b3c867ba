using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class FindingRedactorTests
{
    private static Finding FindingOn(PlanNode node, string message, string suggestion, params (string Key, string Value)[] evidence) =>
        new("QW000", "test", RuleSeverity.Warning, node, PlanPath.Of(node), message, suggestion,
            [.. evidence.Select(e => new KeyValuePair<string, string>(e.Key, e.Value))], 1, FindingBasis.Estimated);

    private static PlanNode Aggregate(out PlanNode scan)
    {
        var aggregate = new PlanNode { NodeType = "Aggregate", Strategy = "Hashed", GroupKey = ["(big.name = 'SECRET-123'::text)"] };
        scan = new PlanNode { NodeType = "Seq Scan", RelationName = "big", Alias = "big", Filter = "((big.amount > 4242) AND (COALESCE(big.nick, 'SECRET-123'::text) = 'LIT-9'::text))" };
        aggregate.AddChild(scan);
        return aggregate;
    }

    [Fact]
    public void Plan_constants_are_replaced_in_message_suggestion_and_evidence_but_figures_and_names_stay()
    {
        var aggregate = Aggregate(out var scan);
        var finding = FindingOn(aggregate,
            "HashAggregate reads 861,831 rows of big to emit 4242 (12.5%), grouped by (big.name = 'SECRET-123'::text); (amount > 4242).",
            "An index on big (amount) WHERE (amount > 4242).",
            ("groupKey", "(big.name = 'SECRET-123'::text)"), ("rows", "4242"), ("filter", scan.Filter!));

        var redacted = FindingRedactor.Redact(finding);

        var all = string.Join("\n", redacted.Message, redacted.Suggestion, redacted.NodePath, string.Join("\n", redacted.Evidence.Select(e => e.Value)));
        Assert.DoesNotContain("SECRET-123", all, StringComparison.Ordinal);
        Assert.DoesNotContain("LIT-9", all, StringComparison.Ordinal);
        Assert.DoesNotContain("> 4242", all, StringComparison.Ordinal);
        Assert.Contains("861,831 rows", redacted.Message, StringComparison.Ordinal);
        Assert.Contains("emit 4242 (12.5%)", redacted.Message, StringComparison.Ordinal);
        Assert.Contains("(big.name = '…'::text)", redacted.Message, StringComparison.Ordinal);
        Assert.Equal("4242", redacted.Evidence.Single(e => e.Key == "rows").Value);
        Assert.Equal("((big.amount > …) AND (COALESCE(big.nick, '…'::text) = '…'::text))", redacted.Evidence.Single(e => e.Key == "filter").Value);
    }

    [Fact]
    public void Index_ddl_that_needs_a_constant_shows_a_placeholder_and_says_so()
    {
        var scan = new PlanNode { NodeType = "Seq Scan", RelationName = "big", Alias = "big", Filter = "(COALESCE(nick, 'SECRET-123'::text) = 'x'::text)" };
        var ddl = "CREATE INDEX CONCURRENTLY ON public.big ((COALESCE(nick, 'SECRET-123'::text)))";
        var finding = FindingOn(scan, "Seq Scan on big's Filter compares COALESCE(nick, '…'::text).", $"Index the expression itself: {ddl} (the function must be IMMUTABLE).", ("index", ddl));

        var redacted = FindingRedactor.Redact(finding);

        Assert.Contains("CREATE INDEX CONCURRENTLY ON public.big ((COALESCE(nick, <value>::text)))", redacted.Suggestion, StringComparison.Ordinal);
        Assert.EndsWith(FindingRedactor.DdlSentence, redacted.Suggestion, StringComparison.Ordinal);
        Assert.Equal("CREATE INDEX CONCURRENTLY ON public.big ((COALESCE(nick, <value>::text)))", redacted.Evidence.Single().Value);
        Assert.Equal("Seq Scan on big's Filter compares COALESCE(nick, '…'::text).", redacted.Message);
    }

    [Fact]
    public void Ddl_without_a_constant_is_unchanged_and_gets_no_sentence()
    {
        var scan = new PlanNode { NodeType = "Seq Scan", RelationName = "big", Filter = "(note = 'SECRET-123'::text)" };
        var suggestion = "Add CREATE INDEX CONCURRENTLY ON big (note).";
        var redacted = FindingRedactor.Redact(FindingOn(scan, "m", suggestion));
        Assert.Equal(suggestion, redacted.Suggestion);
    }

    [Fact]
    public void Sql_literals_are_replaced_and_type_modifiers_and_placeholders_kept()
    {
        Assert.Equal("((name)::character varying(255) = '…'::text) AND (id = …) AND (x = $1)",
            FindingRedactor.RedactSql("((name)::character varying(255) = 'SE''CRET'::text) AND (id = 42) AND (x = $1)"));
        Assert.Equal("SELECT '…' FROM t WHERE a = '…'", FindingRedactor.RedactSql("SELECT $$SECRET$$ FROM t WHERE a = E'SE\\'CRET'"));
    }

    [Theory]
    [InlineData("22P02 invalid input syntax for type integer: \"SECRET-123\"", "22P02 invalid input syntax for type integer: \"…\"")]
    [InlineData("22003 value \"99999999999\" is out of range for type integer", "22003 value \"…\" is out of range for type integer")]
    [InlineData("42601 syntax error at or near \"SECRET\"", "42601 syntax error at or near \"…\"")]
    [InlineData("42501 permission denied for table big", "42501 permission denied for table big")]
    [InlineData("PostgreSQL's text 'SECRET' here", "PostgreSQL's text '…' here")]
    public void Server_messages_lose_their_quoted_values(string text, string expected) =>
        Assert.Equal(expected, FindingRedactor.RedactText(text));

    [Fact]
    public void Node_text_for_the_most_expensive_node_is_redacted_with_its_plan()
    {
        var aggregate = Aggregate(out var scan);
        scan.SubplanName = "CTE x";
        Assert.Equal("'…' at HashAggregate", FindingRedactor.RedactPlanText(scan, "'SECRET-123' at HashAggregate"));
    }

    [Fact]
    public void A_server_refusal_quoting_a_plan_value_in_a_suggestion_is_redacted()
    {
        var scan = new PlanNode { NodeType = "Seq Scan", RelationName = "big", Filter = "((id = 99999999999) AND (note = 'SECRET-123'::text))" };
        var finding = FindingOn(scan, "m", "Index it (not verified: PostgreSQL refused it: 22003 value \"99999999999\" is out of range; 22P02 invalid input: \"SECRET-123\").");

        var redacted = FindingRedactor.Redact(finding);

        Assert.Equal("Index it (not verified: PostgreSQL refused it: 22003 value \"…\" is out of range; 22P02 invalid input: \"…\").", redacted.Suggestion);
    }

    [Fact]
    public void Findings_of_every_fixture_plan_keep_their_figures_names_and_ddl()
    {
        // The rules already word their own text without the plans' constants: redacting must leave it as it is.
        var changed = new List<string>();
        var checkedFindings = 0;
        var plans = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans");
        foreach (var file in Directory.GetFiles(plans, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            Plan plan;
            try { plan = PlanReader.Read(File.ReadAllText(file)); }
            catch (PlanParseException) { continue; }
            foreach (var finding in new RuleEngine().Analyze(plan))
            {
                checkedFindings++;
                var redacted = FindingRedactor.Redact(finding);
                if (redacted.Message != finding.Message || redacted.Suggestion != finding.Suggestion || redacted.NodePath != finding.NodePath
                    || !redacted.Evidence.SequenceEqual(finding.Evidence))
                    changed.Add($"{Path.GetFileName(file)} {finding.RuleId}: {finding.Message} | {finding.Suggestion}\n -> {redacted.Message} | {redacted.Suggestion}");
            }
        }
        Assert.True(checkedFindings > 100, $"{checkedFindings} findings");
        Assert.True(changed.Count == 0, string.Join("\n", changed));
    }
}
