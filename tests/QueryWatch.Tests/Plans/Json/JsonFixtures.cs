using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>Real EXPLAIN JSON output captured from PostgreSQL 15 (see Fixtures/plans/json).</summary>
internal static class JsonFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "json");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Directory, name));

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static Plan Parse(string name) => JsonPlanParser.Parse(Bytes(name));

    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static PlanNode Single(this Plan plan, string nodeType) => plan.Nodes.Single(n => n.NodeType == nodeType);
}
