using System.Globalization;
using System.Text.RegularExpressions;

namespace QueryWatch.Rules;

/// <summary>Numbers as messages print them: <c>861,384</c>, <c>75x</c>, <c>97%</c>.</summary>
internal static partial class RuleText
{
    public static string Count(double value) => Math.Round(value).ToString("N0", CultureInfo.InvariantCulture);

    public static string Factor(double value) =>
        (value >= 10 ? Math.Round(value).ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture)) + "x";

    public static string Percent(double share) =>
        (share * 100 >= 99.95 && share < 1 ? "99.9" : (share * 100).ToString(share * 100 < 1 ? "0.###" : "0", CultureInfo.InvariantCulture)) + "%";

    public static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture) + " ms";

    public static string Kb(double kb) => kb >= 1024
        ? (kb / 1024).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : kb.ToString("N0", CultureInfo.InvariantCulture) + " kB";

    /// <summary>
    /// Condition text with its constants replaced by <c>…</c>: a custom plan carries the parameter values
    /// (<c>(process_id = 'ebc5…'::uuid)</c>), and findings are logged, where values stay out unless opted in.
    /// </summary>
    public static string Redact(string? condition) =>
        condition is null ? "" : Number().Replace(Literal().Replace(condition, "'…'"), "$1…");

    [GeneratedRegex(@"'(?:[^']|'')*'", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();

    [GeneratedRegex(@"((?:=|<>|!=|<=|>=|<|>)\s*)-?\d+(?:\.\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
