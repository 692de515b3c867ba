using System.Text.RegularExpressions;

namespace QueryWatch.Tests.Architecture;

/// <summary>
/// The arrows between QueryWatch's parts, read from source: <c>using</c> directives and qualified names
/// (<c>QueryWatch.Explain.X</c>, or <c>Explain.X</c> from inside another QueryWatch namespace), plus the
/// external libraries DESIGN.md names (Npgsql, EF Core). Comments and string literals are ignored.
/// </summary>
internal static partial class NamespaceDependencies
{
    public const string Npgsql = "Npgsql";
    public const string EntityFrameworkCore = "EF";

    /// <summary>The parts of src/QueryWatch, one per folder (= namespace).</summary>
    public static readonly string[] Parts = ["Sql", "Plans", "Rules", "Rewrites", "Diagnostics", "Explain"];

    /// <summary>DESIGN.md's dependency table: what each part may use. Explain may use every part above it and Npgsql.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Sql"] = [],
        ["Plans"] = [],
        ["Rules"] = ["Plans", "Sql"],
        ["Rewrites"] = ["Sql"],
        ["Diagnostics"] = ["Rules"],
        ["Explain"] = ["Sql", "Plans", "Rules", "Rewrites", "Diagnostics", Npgsql],
    };

    /// <summary>Each part's source file's dependencies: the set of parts and libraries it names, other than itself.</summary>
    public static IReadOnlySet<string> Read(string part, string source)
    {
        var code = Strip(source);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in QualifiedPart().Matches(code)) found.Add(m.Groups["part"].Value);
        foreach (Match m in ShortPart().Matches(code))
        {
            // "Explain.X" written inside QueryWatch.Rules resolves to QueryWatch.Explain.X, but "options.Rules" is a member.
            var name = m.Groups["part"].Value;
            if (Array.IndexOf(Parts, name) >= 0) found.Add(name);
        }
        if (NpgsqlName().IsMatch(code)) found.Add(Npgsql);
        if (EfName().IsMatch(code)) found.Add(EntityFrameworkCore);
        found.Remove(part);
        return found;
    }

    /// <summary>Arrows the table does not allow, as "Rules → Npgsql (path)".</summary>
    public static IEnumerable<string> Forbidden(IEnumerable<(string Part, string Path, string Source)> files)
    {
        foreach (var (part, path, source) in files)
        {
            if (!Allowed.TryGetValue(part, out var allowed)) allowed = [.. Parts, Npgsql]; // the root QueryWatch namespace: options
            foreach (var target in Read(part, source).Order(StringComparer.Ordinal))
            {
                if (Array.IndexOf(allowed, target) < 0) yield return $"{part} → {target} ({path})";
            }
        }
    }

    /// <summary>Removes comments, and string and char literals, which may name anything.</summary>
    private static string Strip(string source) => Literals().Replace(source, m => m.Value.StartsWith('/') ? " " : "\"\"");

    // Order matters: raw """ strings before ordinary ones, which would read their first two quotes as "".
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|\$*""""""(?:.*?)""""""|\$?@""(?:[^""]|"""")*""|\$?""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])+'", RegexOptions.Singleline)]
    private static partial Regex Literals();

    [GeneratedRegex(@"\bQueryWatch\.(?<part>Sql|Plans|Rules|Rewrites|Diagnostics|Explain)\b")]
    private static partial Regex QualifiedPart();

    [GeneratedRegex(@"(?<![\w.])(?<part>[A-Z]\w*)\.[A-Z]")]
    private static partial Regex ShortPart();

    [GeneratedRegex(@"(?<![\w.])Npgsql\b(?!\s*\.\s*EntityFrameworkCore)")]
    private static partial Regex NpgsqlName();

    [GeneratedRegex(@"\bMicrosoft\.EntityFrameworkCore\b|\bNpgsql\.EntityFrameworkCore\b|\bDbContext\b")]
    private static partial Regex EfName();
}
