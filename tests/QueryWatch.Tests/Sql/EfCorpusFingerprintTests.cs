using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class EfCorpusFingerprintTests
{
    public static TheoryData<int> Indexes() => [.. Enumerable.Range(0, EfCorpus.Statements.Count)];

    [Fact]
    public void Corpus_holds_at_least_a_hundred_statements() => Assert.True(EfCorpus.Statements.Count >= 100, $"{EfCorpus.Statements.Count} statements");

    [Fact]
    public void Every_distinct_statement_of_the_corpus_gets_its_own_id()
    {
        var collisions = EfCorpus.Statements
            .GroupBy(s => SqlFingerprint.ComputeId(s))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join("\n  ", g))
            .ToArray();

        Assert.True(collisions.Length == 0, "same id:\n  " + string.Join("\n\n  ", collisions));
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Other_whitespace_comments_and_case_keep_the_id(int index)
    {
        var sql = EfCorpus.Statements[index];
        var expected = SqlFingerprint.Compute(sql);
        var random = new Random(index);
        for (var round = 0; round < 5; round++)
        {
            var variant = EfCorpus.Respace(sql, random);
            Assert.True(expected.Id == SqlFingerprint.ComputeId(variant), $"{variant}\n=> {SqlFingerprint.Compute(variant).Normalized}\n!= {expected.Normalized}");
        }
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Other_literals_keep_the_id(int index)
    {
        var sql = EfCorpus.Statements[index];
        var expected = SqlFingerprint.Compute(sql);
        var variant = EfCorpus.ChangeLiterals(sql, new Random(index));
        var actual = SqlFingerprint.Compute(variant);
        Assert.True(expected.Id == actual.Id, $"{variant}\n=> {actual.Normalized}\n!= {expected.Normalized}");
        Assert.Equal(expected.Normalized, actual.Normalized);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Other_list_lengths_keep_the_id(int index)
    {
        var sql = EfCorpus.Statements[index];
        var expected = SqlFingerprint.ComputeId(sql);
        foreach (var length in new[] { 1, 2, 17, 1000 })
        {
            var variant = EfCorpus.ResizeLists(sql, length);
            Assert.True(expected == SqlFingerprint.ComputeId(variant), variant);
        }
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Normalizing_normalized_text_changes_nothing(int index)
    {
        var fingerprint = SqlFingerprint.Compute(EfCorpus.Statements[index]);
        var again = SqlFingerprint.Compute(fingerprint.Normalized);

        Assert.Equal(fingerprint.Normalized, again.Normalized);
        Assert.Equal(fingerprint.Id, again.Id);
    }
}
