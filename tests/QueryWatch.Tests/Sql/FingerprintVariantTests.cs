using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

/// <summary>
/// Fixtures/sql/fingerprint-variants.sql: spellings a user sees as one statement share an id, and
/// look-alikes that are other statements (another table behind the same alias, a quoted name that
/// needs its quotes) keep theirs (issue #12 part 4).
/// </summary>
public sealed class FingerprintVariantTests
{
    private static readonly IReadOnlyList<(string Name, string[] Statements)> Classes = ReadClasses();

    public static TheoryData<string> ClassNames() => [.. Classes.Select(c => c.Name)];

    public static TheoryData<string> Statements() => [.. Classes.SelectMany(c => c.Statements)];

    [Fact]
    public void Corpus_covers_every_variant_of_the_issue()
    {
        string[] expected =
        [
            "cast", "cast-of-expression", "cast-of-call", "cast-nested", "cast-of-literal", "quoted-needs-no-quotes",
            "apart-quoted-upper-case", "apart-quoted-special-characters", "values-rows", "apart-values-one-row",
            "limit-offset", "literal-string-or-number", "parameter-name", "apart-aliased-blogs", "apart-aliased-posts",
        ];

        Assert.Empty(expected.Except(Classes.Select(c => c.Name)));
    }

    [Theory]
    [MemberData(nameof(ClassNames))]
    public void Every_spelling_in_a_class_gets_the_class_id(string name)
    {
        var statements = Classes.Single(c => c.Name == name).Statements;
        var first = SqlFingerprint.Compute(statements[0]);
        foreach (var statement in statements.Skip(1))
        {
            var other = SqlFingerprint.Compute(statement);
            Assert.True(first.Id == other.Id, $"{statement}\n=> {other.Normalized}\n!= {first.Normalized}");
        }
    }

    [Fact]
    public void No_two_classes_share_an_id()
    {
        var collisions = Classes
            .GroupBy(c => SqlFingerprint.ComputeId(c.Statements[0]))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(", ", g.Select(c => c.Name)))
            .ToArray();

        Assert.True(collisions.Length == 0, "same id: " + string.Join("; ", collisions));
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Scanner_and_normalizer_give_one_id_and_normalized_text_keeps_it(string sql)
    {
        var fingerprint = SqlFingerprint.Compute(sql);
        var again = SqlFingerprint.Compute(fingerprint.Normalized);

        Assert.Equal(fingerprint.Id, FingerprintScanner.ComputeId(sql));
        Assert.Equal(fingerprint.Id, SqlFingerprint.ComputeIdByNormalizing(sql));
        Assert.Equal(fingerprint.Normalized, again.Normalized);
        Assert.Equal(fingerprint.Id, again.Id);
    }

    [Theory]
    [InlineData("SELECT CAST(x AS int) FROM t", "SELECT x::int FROM t")]
    [InlineData("SELECT CAST(a + b AS numeric(10, 2)) FROM t", "SELECT (a + b)::numeric($1, $2) FROM t")]
    [InlineData("SELECT CAST(CAST(x AS int) AS text) FROM t", "SELECT x::int::text FROM t")]
    [InlineData("SELECT \"id\", \"Id\", \"user\", \"a b\" FROM \"users\"", "SELECT id, \"Id\", \"user\", \"a b\" FROM users")]
    [InlineData("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t(a, b) VALUES ($1, $2), ($3 /*, ... */)")]
    [InlineData("INSERT INTO t (a, b) VALUES (1, 'x')", "INSERT INTO t(a, b) VALUES ($1, $2)")]
    [InlineData("SELECT * FROM t OFFSET @__p_0 LIMIT @__p_1", "SELECT * FROM t LIMIT $1 OFFSET $2")]
    public void Normalized_text_shows_the_one_spelling(string sql, string expected) =>
        Assert.Equal(expected, SqlFingerprint.Compute(sql).Normalized);

    [Fact]
    public void Nested_casts_read_as_chained_casts()
    {
        var sql = "SELECT " + string.Concat(Enumerable.Repeat("CAST(", 7)) + "x" + string.Concat(Enumerable.Repeat(" AS int)", 7)) + " FROM t";

        Assert.Equal("SELECT x" + string.Concat(Enumerable.Repeat("::int", 7)) + " FROM t", SqlFingerprint.Compute(sql).Normalized);
        Assert.Equal(SqlFingerprint.Compute(sql).Id, FingerprintScanner.ComputeId(sql));
    }

    [Fact]
    public void Casts_nested_deeper_than_the_rewrite_follows_still_agree()
    {
        var sql = "SELECT " + string.Concat(Enumerable.Repeat("CAST(", 100)) + "x" + string.Concat(Enumerable.Repeat(" AS int)", 100)) + " FROM t";

        Assert.Equal(SqlFingerprint.Compute(sql).Id, FingerprintScanner.ComputeId(sql));
        Assert.Equal(SqlFingerprint.Compute(sql).Id, SqlFingerprint.ComputeIdByNormalizing(sql));
    }

    private static List<(string, string[])> ReadClasses()
    {
        var classes = new List<(string Name, List<string> Statements)>();
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sql", "fingerprint-variants.sql")))
        {
            if (line.StartsWith("-- class ", StringComparison.Ordinal))
            {
                classes.Add((line["-- class ".Length..].Trim(), []));
            }
            else if (line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal))
            {
                classes[^1].Statements.Add(line);
            }
        }

        return [.. classes.Select(c => (c.Name, c.Statements.ToArray()))];
    }
}
