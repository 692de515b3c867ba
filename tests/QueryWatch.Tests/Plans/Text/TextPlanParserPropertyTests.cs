using CsCheck;
using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

public sealed class TextPlanParserPropertyTests
{
    private static readonly string[] Fixtures =
        Directory.GetFiles(TextFixtures.Dir("seeds"), "*.txt", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(TextFixtures.Dir("text"), "*.txt"))
            .Concat(Directory.GetFiles(TextFixtures.Dir("psql-frames"), "*.txt"))
            .Select(File.ReadAllText).ToArray();

    private static void SucceedsOrFailsCleanly(string input)
    {
        try
        {
            TextPlanParser.ParseAll(input);
            TextPlanParser.Parse(input);
        }
        catch (PlanParseException e)
        {
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Truncated_or_mutated_fixtures_either_parse_or_throw_plan_parse_exception()
    {
        var gen = Gen.Int[0, Fixtures.Length - 1].SelectMany(f => Gen.Int[0, Fixtures[f].Length].SelectMany(cut =>
            Gen.Int[0, 3].SelectMany(kind => Gen.Char["()-> :=+|\n'\"0123456789abc"].Select(ch => (f, cut, kind, ch)))));
        gen.Sample(t =>
        {
            var text = Fixtures[t.f];
            var input = t.kind switch
            {
                0 => text[..t.cut],
                1 => text.Insert(t.cut, t.ch.ToString()),
                2 => t.cut < text.Length ? text.Remove(t.cut, 1) : text,
                _ => text[t.cut..],
            };
            SucceedsOrFailsCleanly(input);
        }, iter: 3000);
    }

    [Fact]
    public void Random_strings_either_parse_or_throw_plan_parse_exception()
    {
        Gen.String[Gen.Char["ac(-> )=.:\n+|QUERYPLANcostrowsactual0123456789'\"SeqScanonLimit"], 0, 400].Sample(SucceedsOrFailsCleanly, iter: 3000);
    }
}
