using CsCheck;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class SqlPropertyTests
{
    private static readonly string[] Fragments =
    [
        "'", "''", "\"", "$$", "$a$", "$1", "$", "/*", "*/", "--", "\n", ";", "(", ")", "[", "]", "E'", "\\", "U&'",
        "UESCAPE", "SELECT", "IN", "ARRAY", " ", "::", ":", "@p0", "@", "-", "1", "1.5e", "0x", "x", "\"Id\"", ",",
        "BEGIN", "ATOMIC", "END", "CASE", "CREATE", "WITH", "DELETE", "FOR", "UPDATE", "->>", "<=", "!=", "?", ".",
    ];

    private static readonly Gen<string> SqlLike =
        Gen.OneOf(Fragments).Array[0, 60].Select(parts => string.Concat(parts));

    private static readonly Gen<string> AnyText = Gen.OneOf(Gen.String, Gen.String[Gen.Char["'\"$/*-;()[]\\:@eEuU&x0123 \n"], 0, 80], SqlLike);

    [Fact]
    public void Tokens_cover_the_input_exactly() =>
        AnyText.Sample(sql =>
        {
            var position = 0;
            foreach (var token in SqlLexer.Tokenize(sql))
            {
                if (token.Start != position || token.Length <= 0)
                {
                    return false;
                }

                position = token.End;
            }

            return position == sql.Length;
        }, iter: 5000);

    [Fact]
    public void Splitter_never_throws_and_statements_point_into_the_input() =>
        AnyText.Sample(sql =>
            SqlStatementSplitter.Split(sql).All(s => s.Length > 0 && s.Text == sql.Substring(s.Start, s.Length)),
            iter: 5000);

    [Fact]
    public void Fingerprint_never_throws_and_agrees_with_ComputeId() =>
        AnyText.Sample(sql => SqlFingerprint.Compute(sql).Id == SqlFingerprint.ComputeId(sql), iter: 5000);

    [Fact]
    public void Normalized_sql_like_text_normalizes_to_itself() =>
        SqlLike.Sample(sql =>
        {
            var first = SqlFingerprint.Compute(sql);
            var second = SqlFingerprint.Compute(first.Normalized);
            return first.Normalized == second.Normalized && first.Id == second.Id;
        }, iter: 5000);

    [Theory]
    [InlineData("(")]
    [InlineData("/*")]
    [InlineData("'")]
    [InlineData("$a$")]
    [InlineData("IN (1, ")]
    [InlineData("- ")]
    [InlineData("BEGIN ATOMIC CASE ")]
    public void Megabyte_of_a_repeated_fragment_is_handled(string fragment)
    {
        var sql = string.Concat(Enumerable.Repeat(fragment, 1_000_000 / fragment.Length));

        Assert.NotNull(SqlFingerprint.Compute(sql));
        Assert.NotEqual(0UL, SqlFingerprint.ComputeId(sql));
        Assert.NotNull(SqlStatementSplitter.Split("CREATE " + sql));
        Assert.True(SqlLexer.Tokenize(sql).Count() > 0);
    }

    [Fact]
    public void Null_reads_as_empty_input()
    {
        Assert.Empty(SqlLexer.Tokenize(null));
        Assert.Empty(SqlStatementSplitter.Split(null));
        Assert.Equal(SqlFingerprint.ComputeId(""), SqlFingerprint.Compute(null).Id);
        Assert.Equal("", SqlFingerprint.Compute(null).Normalized);
    }
}
