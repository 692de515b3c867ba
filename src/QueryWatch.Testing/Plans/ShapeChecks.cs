using QueryWatch.Rules;

namespace QueryWatch.Testing;

/// <summary>
/// Which rule checks are about a plan's shape, judged at any size in a test, and which about size,
/// judged only on their thresholds (issue #13 part 3; each rule's page says which it is).
/// A test database holds a few hundred rows: a NOT IN that cannot become an Anti Join, a DISTINCT
/// under an existence check or a function wrapping a filtered column is the same plan shape there
/// as in production, while rows removed, loops and spills only mean something at production size.
/// </summary>
internal static class ShapeChecks
{
    /// <summary>The size thresholds of the shape rules, removed; every other rule keeps its defaults.</summary>
    public static IReadOnlyDictionary<string, RuleOptions> AtAnySize { get; } = Build();

    private static Dictionary<string, RuleOptions> Build()
    {
        var rules = new Dictionary<string, RuleOptions>(StringComparer.OrdinalIgnoreCase);
        // QW001: a DISTINCT under LIMIT 1 / EXISTS is wrong at any size; its only threshold is the limit itself.
        // QW008: NOT IN (SubPlan) where an Anti Join was possible.
        // Hashed in memory at test size, it is still the plan that went per-row at production size (seed 004).
        rules["QW008"] = Zero("minRows");
        rules["QW008"].Severity = RuleSeverity.Warning;
        // QW003: an EXISTS OR-ed with another condition cannot become a semi join; other SubPlans stay on their loops.
        rules["QW003"] = Zero("minLoopsOrExists");
        rules["QW003"].Severity = RuleSeverity.Warning;
        // QW018: a function wrapping a filtered column keeps any index off that column.
        rules["QW018"] = Zero("minRowsRemoved", "minRemovedShare", "minEstimatedCost");
        return rules;
    }

    private static RuleOptions Zero(params string[] thresholds)
    {
        var options = new RuleOptions();
        foreach (var name in thresholds) options.Thresholds[name] = 0;
        return options;
    }
}
