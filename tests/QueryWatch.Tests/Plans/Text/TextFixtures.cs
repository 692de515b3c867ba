using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

internal static class TextFixtures
{
    public static string Dir(string sub) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", sub);

    public static string Read(string sub, string name) => File.ReadAllText(Path.Combine(Dir(sub), name));

    public static Plan Parse(string sub, string name) => TextPlanParser.Parse(Read(sub, name));

    public static PlanNode Single(this Plan plan, Func<PlanNode, bool> match) => plan.Nodes.Single(match);
}
