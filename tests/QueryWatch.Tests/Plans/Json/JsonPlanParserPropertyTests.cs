using Xunit;
using CsCheck;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>Damaged real plans: the reader either reads them or says why, and never throws anything else.</summary>
public sealed class JsonPlanParserPropertyTests
{
    private static readonly byte[][] Fixtures = [.. JsonFixtures.Names().Select(JsonFixtures.Bytes)];

    [Fact]
    public void Every_prefix_of_every_fixture_reads_or_fails_with_a_parse_error()
    {
        foreach (var fixture in Fixtures)
        {
            for (var length = 0; length <= fixture.Length; length++)
                AssertReadsOrRefuses(fixture.AsSpan(0, length));
        }
    }

    [Fact]
    public void Random_byte_flips_in_fixtures_read_or_fail_with_a_parse_error()
    {
        var gen =
            from index in Gen.Int[0, Fixtures.Length - 1]
            from flips in Gen.Select(Gen.Double[0, 1], Gen.Byte).Array[1, 8]
            select (index, flips);

        gen.Sample(t =>
        {
            var bytes = (byte[])Fixtures[t.index].Clone();
            foreach (var (at, value) in t.flips) bytes[(int)(at * (bytes.Length - 1))] = value;
            AssertReadsOrRefuses(bytes);
        }, iter: 5_000);
    }

    [Fact]
    public void Reading_a_prefix_as_text_and_as_bytes_agrees()
    {
        Gen.Select(Gen.Int[0, Fixtures.Length - 1], Gen.Double[0, 1]).Sample((index, share) =>
        {
            var fixture = Fixtures[index];
            var text = System.Text.Encoding.UTF8.GetString(fixture, 0, (int)(share * fixture.Length));
            var fromText = Outcome(() => JsonPlanParser.Parse(text));
            var fromBytes = Outcome(() => JsonPlanParser.Parse(System.Text.Encoding.UTF8.GetBytes(text)));
            Assert.Equal(fromBytes, fromText);
        }, iter: 500);
    }

    private static void AssertReadsOrRefuses(ReadOnlySpan<byte> input)
    {
        try
        {
            var plans = JsonPlanParser.ParseAll(input);
            Assert.All(plans, p => Assert.NotEqual("", p.Root.NodeType));
        }
        catch (PlanParseException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.NotNull(e.Offset);
        }
    }

    private static string Outcome(Func<Plan> parse)
    {
        try
        {
            return string.Join("|", parse().Nodes.Select(n => n.DisplayName));
        }
        catch (PlanParseException e)
        {
            return "error: " + e.Message;
        }
    }
}
