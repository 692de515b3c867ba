using System.Collections;
using System.Text;
using QueryWatch.Rules;

namespace QueryWatch.Testing;

/// <summary>
/// Every statement a piece of code sent through one context, explained, in the order they ran.
/// The assertions apply to all of them: healthy means every plan is healthy, a node is asserted
/// present in some plan and absent from all.
/// </summary>
public sealed class ExplainedCommands : IReadOnlyList<QueryPlanResult>
{
    private readonly IReadOnlyList<QueryPlanResult> _results;

    internal ExplainedCommands(IReadOnlyList<QueryPlanResult> results) => _results = results;

    /// <inheritdoc/>
    public QueryPlanResult this[int index] => _results[index];

    /// <inheritdoc/>
    public int Count => _results.Count;

    /// <summary>Fails when any statement's plan has a finding at warning or above (or the options' minimum).</summary>
    public ExplainedCommands AssertHealthy()
    {
        foreach (var result in _results) result.AssertHealthy();
        return this;
    }

    /// <summary>Fails when any statement's plan has a finding at <paramref name="minimumSeverity"/> or above, <paramref name="ignoreRules"/> aside.</summary>
    public ExplainedCommands AssertHealthy(RuleSeverity minimumSeverity, params string[] ignoreRules)
    {
        foreach (var result in _results) result.AssertHealthy(minimumSeverity, ignoreRules);
        return this;
    }

    /// <summary>Fails when any statement's plan has a node of kind <paramref name="node"/>, on <paramref name="on"/> when given.</summary>
    public ExplainedCommands AssertNoNode(string node, string? on = null)
    {
        foreach (var result in _results) result.AssertNoNode(node, on);
        return this;
    }

    /// <summary>Fails unless some statement's plan has a node of kind <paramref name="node"/>.</summary>
    public ExplainedCommands AssertNode(string node, string? on = null)
    {
        QueryPlanAssertionException? last = null;
        foreach (var result in _results)
        {
            try
            {
                result.AssertNode(node, on);
                return this;
            }
            catch (QueryPlanAssertionException e)
            {
                last = e;
            }
        }

        throw last ?? new QueryPlanAssertionException($"Expected a {node} in the plan, but the code sent no command through the context.");
    }

    /// <inheritdoc/>
    public IEnumerator<QueryPlanResult> GetEnumerator() => _results.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every statement's plan tree, findings and SQL.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var result in _results) text.AppendLine(result.ToString()).AppendLine();
        return text.ToString();
    }
}
