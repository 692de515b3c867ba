using System.Globalization;
using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// One statement ran many times in one DbContext instance: an N+1. Not a plan rule: no plan shows it, and
/// <see cref="Inspect"/> does nothing. The interceptor counts executions per DbContext instance
/// (<see cref="Explain.RepeatedStatements"/>) and reports the statement once, when its count reaches
/// <see cref="QueryWatchOptions.RepeatedStatementThreshold"/>, with the wording below. It is in the catalogue
/// so that <c>querywatch rules</c> lists it and <see cref="RuleOptions"/> can turn it off or change its severity.
/// </summary>
internal sealed class QW027RepeatedStatement : IPlanRule
{
    public const string RuleId = "QW027";
    public const string RuleName = "repeated-statement";

    public string Id => RuleId;
    public string Name => RuleName;
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "One statement ran many times in one DbContext instance (RepeatedStatementThreshold, 20): an N+1, counted as the commands run, not read from a plan";

    // Its one threshold is an option (RepeatedStatementThreshold): the interceptor counts before any rule runs.
    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>();

    public void Inspect(RuleContext context, PlanNode node)
    {
    }

    /// <summary>What happened, in QueryWatch's own words: a count and names, never a value (the event carries the time).</summary>
    public static string Message(int count, string? dbContextType, string? operation)
    {
        var owner = dbContextType ?? "DbContext";
        var during = operation is null ? "" : " during " + operation;
        return string.Create(CultureInfo.InvariantCulture,
            $"The same statement ran {count} times in one {owner} instance{during}: the code loads rows one at a time (N+1), one round trip each.");
    }

    /// <summary>The fix, as <c>QueryRecorder.AssertNoRepeatedStatements</c> words it in a test.</summary>
    public const string Suggestion =
        "Load the rows in one statement instead of one per row: an Include(...) of the navigation the loop reads, a projection (Select) "
        + "that reads the related rows together with their parent, or one query for every key: WHERE id = ANY(@ids), which EF sends for ids.Contains(x.Id).";
}
