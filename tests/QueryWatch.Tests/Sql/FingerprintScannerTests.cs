using CsCheck;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

/// <summary>
/// The fast id path (<see cref="FingerprintScanner"/>, <see cref="SqlFastScanner"/>) against the
/// reference one (<see cref="SqlNormalizer"/>, <see cref="SqlLexer"/>): ids users have stored must
/// not move, so every input must give exactly the id <see cref="SqlFingerprint.Compute"/> gives.
/// </summary>
public sealed class FingerprintScannerTests
{
    // Pieces that reach every branch of both paths when glued together in any order: prefixed and
    // continued strings, UESCAPE, dollar quotes, every number form, signs, casts, constant lists,
    // operator runs that lose a trailing sign, comments, non-ASCII words, characters PostgreSQL rejects.
    private static readonly string[] Fragments =
    [
        "'", "''", "'it''s'", "'a'", "\"", "\"Id\"", "\"a\"\"b\"", "E'", "e'\\''", "B'01'", "x'1F'", "N'n'", "U&'",
        "u&\"d\"", "UESCAPE", "uescape '!'", "$$", "$a$", "$a1$", "$1", "$", "$ab", "@p0", "@__id_0", "@", ":name", ":",
        "::", ":=", "-", "+", "- 1", "-1", "+1", "1", "42", "1.5", "1.", ".5", "1e3", "1e", "1E+5", "0x1F", "0o7", "0b1",
        "0x", "1_000", "1..2", "12abc", "IN", "in (", "(", ")", "ARRAY[", "array", "[", "]", "[]", "ANY", "int", "text",
        "TRUE", "false", "NULL", "THEN", "END", "LIMIT", "current_date", "localtime", "user", "SELECT", "FROM", "t",
        "Abc_9$", "é", "Ünïcode", "ΣELECT", "日本", "--x\n", "--", "/*", "*/", "/* a /* b */ c */", " ", "  ", "\t",
        "\r\n", "\n", "\v", "\f", "{", "}", "\\", "#", "->>", "@>", "<@", "<=", "!=", "=-", "<-1", "*-", "?", "||", "`",
        "~", "^", "&", "|", ";", ";;", ",", ".", "o.\"Total\" > 0",
    ];

    private static readonly Gen<string> Glued = Gen.OneOf(Fragments).Array[0, 60].Select(parts => string.Concat(parts));

    private static readonly Gen<string> Spaced = Gen.OneOf(Fragments).Array[0, 60].Select(parts => string.Join(' ', parts));

    private static readonly Gen<string> AnyText = Gen.OneOf(
        Glued, Spaced, Gen.String, Gen.String[Gen.Char["'\"$/*-+;()[]\\:@eEuUnNbBxX&0123._ \n\té"], 0, 80]);

    public static TheoryData<int> Indexes() => [.. Enumerable.Range(0, EfCorpus.Statements.Count)];

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Every_corpus_statement_and_its_variants_keep_the_id_the_normalizer_gives(int index)
    {
        var sql = EfCorpus.Statements[index];
        var random = new Random(index);
        string[] variants =
        [
            sql, EfCorpus.Respace(sql, random), EfCorpus.Respace(sql, random), EfCorpus.ChangeLiterals(sql, random),
            EfCorpus.ResizeLists(sql, 1), EfCorpus.ResizeLists(sql, 17), sql + ";", "/* tag */ " + sql + "; " + sql,
        ];

        foreach (var variant in variants)
        {
            Assert.True(SqlFingerprint.Compute(variant).Id == FingerprintScanner.ComputeId(variant), variant);
        }
    }

    [Fact]
    public void Generated_sql_gets_the_id_the_normalizer_gives() =>
        AnyText.Sample(sql => FingerprintScanner.ComputeId(sql) == SqlFingerprint.Compute(sql).Id, iter: 20000);

    [Fact]
    public void Generated_sql_without_text_gets_the_id_the_normalizer_gives() =>
        AnyText.Sample(sql => FingerprintScanner.ComputeId(sql) == SqlFingerprint.ComputeIdByNormalizing(sql), iter: 5000);

    [Fact]
    public void Fast_scanner_cuts_the_significant_tokens_the_lexer_cuts() =>
        AnyText.Sample(sql =>
        {
            var expected = SqlLexer.Tokenize(sql)
                .Where(t => !t.IsTrivia)
                .Select(t => t.Kind == SqlTokenKind.Keyword ? t with { Kind = SqlTokenKind.Identifier } : t);
            var actual = new List<SqlToken>();
            var position = 0;
            while (SqlFastScanner.TryReadSignificant(sql, ref position, out var token))
            {
                actual.Add(token);
            }

            return position == sql.Length && expected.SequenceEqual(actual);
        }, iter: 5000);

    [Theory]
    [InlineData("SELECT 'a' UESCAPE 'b' 'c' uescape x")]
    [InlineData("SELECT U&'d\\0061t' UESCAPE '\\' FROM t")]
    [InlineData("SELECT 1; -1; x - -1; CASE WHEN a THEN -1 END - 1, LIMIT - 2")]
    [InlineData("SELECT * FROM t WHERE a IN (1, -2, +3, 'x'::text, TRUE, @p0) AND b IN ('a' 'b') AND c = ANY (ARRAY[1::int, 2]::int[])")]
    [InlineData("SELECT ΣΑ, été, \"日本\" FROM Ünïcode WHERE x <-1 AND y*-2 AND z=-3")]
    public void Edge_statements_keep_the_id_the_normalizer_gives(string sql) =>
        Assert.Equal(SqlFingerprint.Compute(sql).Id, FingerprintScanner.ComputeId(sql));

    [Fact]
    public void Computing_an_id_allocates_nothing()
    {
        var statements = EfCorpus.Statements.ToArray();
        foreach (var sql in statements)
        {
            FingerprintScanner.ComputeId(sql); // first calls initialise the static search tables
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var sql in statements)
        {
            FingerprintScanner.ComputeId(sql);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
