using System.Text;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Testing;

/// <summary>
/// One statement explained by <see cref="QueryPlan"/>: its SQL, its plan and what the rules found,
/// with assertions that throw <see cref="QueryPlanAssertionException"/>. Assertions return the
/// result, so they chain.
/// </summary>
public sealed class QueryPlanResult
{
    private readonly Plan _plan;
    private readonly IReadOnlyList<Finding> _findings;
    private readonly QueryPlanOptions _options;

    internal QueryPlanResult(string sql, string planJson, Plan plan, IReadOnlyList<Finding> findings, bool analyzed, QueryPlanOptions options)
    {
        Sql = sql;
        PlanJson = planJson;
        _plan = plan;
        _findings = findings;
        _options = options;
        Analyzed = analyzed;
        var list = new List<QueryPlanFinding>(findings.Count);
        foreach (var finding in findings) list.Add(new QueryPlanFinding(finding));
        Findings = list;
        var nodes = new List<string>(plan.Nodes.Count);
        foreach (var node in plan.Nodes) nodes.Add(node.DisplayName);
        Nodes = nodes;
        var tree = new StringWriter();
        new PlanTreeWriter(tree, colour: false).Write(plan, findings);
        PlanTree = tree.ToString().TrimEnd();
    }

    /// <summary>The statement as it was explained, EF's tag comments included.</summary>
    public string Sql { get; }

    /// <summary>The plan in PostgreSQL's JSON format.</summary>
    public string PlanJson { get; }

    /// <summary>The plan as <c>querywatch analyze</c> prints it: one line per node, findings flagged at their node.</summary>
    public string PlanTree { get; }

    /// <summary>True when the plan carries EXPLAIN ANALYZE's actual figures.</summary>
    public bool Analyzed { get; }

    /// <summary>Every finding of the rule catalogue, most important first, whatever its severity.</summary>
    public IReadOnlyList<QueryPlanFinding> Findings { get; }

    /// <summary>Each node as PostgreSQL's TEXT format heads it (<c>Hash Anti Join</c>, <c>Index Scan using ix on t</c>), parents first.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>Fails when a finding at <see cref="QueryPlanOptions.MinimumSeverity"/> or above (default warning) remains, ignored rules aside.</summary>
    public QueryPlanResult AssertHealthy() => AssertHealthy(_options.MinimumSeverity, [.. _options.IgnoreRules]);

    /// <summary>Fails when a finding at <paramref name="minimumSeverity"/> or above remains, <paramref name="ignoreRules"/> (ids or names) aside.</summary>
    public QueryPlanResult AssertHealthy(RuleSeverity minimumSeverity, params string[] ignoreRules)
    {
        ArgumentNullException.ThrowIfNull(ignoreRules);
        var failing = new List<Finding>();
        foreach (var finding in _findings)
        {
            if (finding.Severity < minimumSeverity) continue;
            if (Array.Exists(ignoreRules, r => string.Equals(r, finding.RuleId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(r, finding.RuleName, StringComparison.OrdinalIgnoreCase))) continue;
            failing.Add(finding);
        }

        if (failing.Count > 0)
        {
            var ids = string.Join(", ", failing.ConvertAll(f => f.RuleId + " " + f.RuleName));
            Fail($"Expected a healthy plan, but {Count(failing.Count, "finding")} at {Severity(minimumSeverity)} or above: {ids}.", failing);
        }

        return this;
    }

    /// <summary>Fails when the plan has a node of kind <paramref name="node"/> (<c>Seq Scan</c>), on table <paramref name="on"/> when given.</summary>
    public QueryPlanResult AssertNoNode(string node, string? on = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        foreach (var n in _plan.Nodes)
        {
            if (NodeMatch.Matches(n, node, on))
                Fail($"Expected no {Describe(node, on)}, but the plan has {n.DisplayName}.", null);
        }

        return this;
    }

    /// <summary>
    /// Fails unless the plan has a node of kind <paramref name="node"/>, named as PostgreSQL prints it,
    /// join types included: <c>Anti Join</c> holds for a Hash, Merge or Nested Loop Anti Join.
    /// </summary>
    public QueryPlanResult AssertNode(string node, string? on = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        foreach (var n in _plan.Nodes)
        {
            if (NodeMatch.Matches(n, node, on)) return this;
        }

        Fail($"Expected a {Describe(node, on)} in the plan, but there is none.", null);
        return this;
    }

    /// <summary>Fails unless some node of the plan reads index <paramref name="indexName"/>.</summary>
    public QueryPlanResult AssertUsesIndex(string indexName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(indexName);
        foreach (var n in _plan.Nodes)
        {
            if (string.Equals(n.IndexName, indexName, StringComparison.OrdinalIgnoreCase)) return this;
        }

        Fail($"Expected the plan to use index {indexName}, but it does not.", null);
        return this;
    }

    /// <summary>The plan tree, the findings with their fixes and the SQL, as a failed assertion shows them.</summary>
    public override string ToString() => Report(null, _findings);

    private void Fail(string headline, IReadOnlyList<Finding>? failing) => throw new QueryPlanAssertionException(Report(headline, failing ?? _findings));

    internal string Report(string? headline, IReadOnlyList<Finding> findings)
    {
        var text = new StringBuilder();
        if (headline is not null) text.AppendLine(headline).AppendLine();
        text.AppendLine(PlanTree).AppendLine();
        if (findings.Count > 0)
        {
            text.AppendLine("Findings:");
            for (var i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                text.Append(i + 1).Append(". ").Append(f.RuleId).Append(' ').Append(f.RuleName)
                    .Append(" (").Append(Severity(f.Severity)).Append(") at ").AppendLine(f.NodePath);
                text.Append("   ").AppendLine(f.Message);
                text.Append("   Fix: ").AppendLine(f.Suggestion);
            }

            text.AppendLine();
        }

        text.AppendLine("SQL:").Append(Sql.TrimEnd());
        return text.ToString();
    }

    private static string Describe(string node, string? on) => on is null ? node : node + " on " + on;

    private static string Count(int n, string what) => n == 1 ? "1 " + what : $"{n} {what}s";

    private static string Severity(RuleSeverity severity) => PlanTreeWriter.Severity(severity);
}
