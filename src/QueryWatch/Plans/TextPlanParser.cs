using QueryWatch.Plans.Text;

namespace QueryWatch.Plans;

/// <summary>
/// Reads what psql prints for <c>EXPLAIN</c> in TEXT format, paste noise and all: it finds the plan
/// in surrounding text (a prompt, the command, prose, psql's header, rules and footer) and reads it
/// into the same model the JSON parser fills, under JSON's names.
/// </summary>
internal static class TextPlanParser
{
    /// <summary>Reads the first plan in <paramref name="text"/>; <see cref="PlanParseException"/> when there is none or it is damaged.</summary>
    public static Plan Parse(string text)
    {
        var plans = Read(text, firstOnly: true);
        return plans.Count > 0 ? plans[0] : throw new PlanParseException("no EXPLAIN plan found: no line looks like a plan node");
    }

    /// <summary>Every plan in a document (a page with a before and an after plan yields both), in order; empty when there is none.</summary>
    public static IReadOnlyList<Plan> ParseAll(string text) => Read(text, firstOnly: false);

    private static void CheckNothingSkipped(string[] lines, int from, int to, string where)
    {
        for (var k = from; k < to; k++)
        {
            if (PlanLocator.LooksLikePlan(lines[k]))
                throw new PlanParseException($"a plan line {where}: '{NodeLineParser.Clip(lines[k].Trim())}'", k + 1);
        }
    }

    private static bool StartsWithArrow(string line) =>
        PasteLine.Clean(line, out var text) == PasteLineKind.Content && text.AsSpan().TrimStart().StartsWith("->", StringComparison.Ordinal);

    private static List<Plan> Read(string text, bool firstOnly)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        PasteLine.JoinWrapped(lines);
        var plans = new List<Plan>();
        var i = 0;
        var read = 0; // first line not yet accounted for by a plan
        while (i < lines.Length)
        {
            if (!PlanLocator.IsRoot(lines, i, out var column))
            {
                i++;
                continue;
            }
            // The reader checks itself (issue #12): a plan line it would skip means it chose the wrong
            // root or ended a tree early, and a wrong tree is worse than none.
            CheckNothingSkipped(lines, read, i, plans.Count == 0 ? "before the line read as the plan's root" : "after the plan's tree ended");
            if (plans.Count > 0 && StartsWithArrow(lines[i]))
                throw new PlanParseException("a child node after the plan's tree ended", i + 1);
            if (firstOnly && plans.Count > 0) return plans;
            plans.Add(PlanTreeBuilder.Build(lines, i, column, out var next));
            i = read = Math.Max(next, i + 1);
        }
        if (plans.Count > 0) CheckNothingSkipped(lines, read, lines.Length, "after the plan's tree ended");
        return plans;
    }
}
