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

    private static List<Plan> Read(string text, bool firstOnly)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var plans = new List<Plan>();
        var i = 0;
        while (i < lines.Length)
        {
            if (PlanLocator.IsRoot(lines, i, out var column))
            {
                plans.Add(PlanTreeBuilder.Build(lines, i, column, out var next));
                if (firstOnly) break;
                i = Math.Max(next, i + 1);
            }
            else i++;
        }
        return plans;
    }
}
