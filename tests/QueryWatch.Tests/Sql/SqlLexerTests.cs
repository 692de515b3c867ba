using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class SqlLexerTests
{
    private static (SqlTokenKind Kind, string Text)[] Significant(string sql) =>
        [.. SqlLexer.Tokenize(sql).Where(t => !t.IsTrivia).Select(t => (t.Kind, sql.Substring(t.Start, t.Length)))];

    private static (SqlTokenKind Kind, string Text) Single(string sql)
    {
        var tokens = SqlLexer.Tokenize(sql).ToArray();
        Assert.Single(tokens);
        return (tokens[0].Kind, sql);
    }

    [Theory]
    [InlineData("'it''s'")]
    [InlineData("E'it\\'s'")]
    [InlineData("e'a\\\\'")]
    [InlineData("E'it''s'")]
    [InlineData("U&'d\\0061t'")]
    [InlineData("u&'x'")]
    [InlineData("B'0101'")]
    [InlineData("X'1F'")]
    [InlineData("N'abc'")]
    [InlineData("$$it's; -- not a comment$$")]
    [InlineData("$body$ SELECT $$inner$$; $body$")]
    [InlineData("$_a1$x$_a1$")]
    public void Each_string_form_is_one_string_token(string sql) =>
        Assert.Equal((SqlTokenKind.String, sql), Single(sql));

    [Fact]
    public void Backslash_does_not_escape_in_a_standard_string()
    {
        // standard_conforming_strings = on: 'a\' ends at the second quote.
        Assert.Equal([(SqlTokenKind.String, "'a\\'"), (SqlTokenKind.Identifier, "b")], Significant("'a\\' b"));
    }

    [Fact]
    public void Uescape_clause_follows_a_unicode_string_as_separate_tokens()
    {
        Assert.Equal(
            [(SqlTokenKind.String, "U&'d!0061t'"), (SqlTokenKind.Keyword, "UESCAPE"), (SqlTokenKind.String, "'!'")],
            Significant("U&'d!0061t' UESCAPE '!'"));
    }

    [Theory]
    [InlineData("\"Id\"")]
    [InlineData("\"a\"\"b\"")]
    [InlineData("U&\"d\\0061t\"")]
    public void Quoted_identifiers_keep_their_quotes_and_doubled_quotes(string sql) =>
        Assert.Equal((SqlTokenKind.QuotedIdentifier, sql), Single(sql));

    [Fact]
    public void Dollar_digits_are_a_parameter_and_dollar_tag_a_string()
    {
        Assert.Equal(
            [(SqlTokenKind.Parameter, "$1"), (SqlTokenKind.Operator, "+"), (SqlTokenKind.String, "$tag$ $1 $tag$")],
            Significant("$1 + $tag$ $1 $tag$"));
    }

    [Fact]
    public void Dollar_inside_an_identifier_does_not_start_a_quote()
    {
        Assert.Equal([(SqlTokenKind.Identifier, "a$b$"), (SqlTokenKind.Identifier, "c")], Significant("a$b$ c"));
    }

    [Fact]
    public void Block_comments_nest()
    {
        const string sql = "/* a /* b */ still comment */ SELECT";
        Assert.Equal([(SqlTokenKind.Keyword, "SELECT")], Significant(sql));
        Assert.Equal(SqlTokenKind.BlockComment, SqlLexer.Tokenize(sql).First().Kind);
        Assert.Equal(29, SqlLexer.Tokenize(sql).First().Length);
    }

    [Fact]
    public void Line_comment_ends_at_the_line_break()
    {
        Assert.Equal([(SqlTokenKind.Identifier, "x")], Significant("-- SELECT 1;\nx"));
    }

    [Theory]
    [InlineData("'unterminated", nameof(SqlTokenKind.String))]
    [InlineData("E'unterminated\\'", nameof(SqlTokenKind.String))]
    [InlineData("\"unterminated", nameof(SqlTokenKind.QuotedIdentifier))]
    [InlineData("/* unterminated /* */", nameof(SqlTokenKind.BlockComment))]
    [InlineData("$x$ unterminated $y$", nameof(SqlTokenKind.String))]
    public void Unterminated_constructs_run_to_the_end(string sql, string kind) =>
        Assert.Equal((Enum.Parse<SqlTokenKind>(kind), sql), Single(sql));

    [Theory]
    [InlineData("@p0")]
    [InlineData("@__id_0")]
    [InlineData(":name")]
    [InlineData("$12")]
    public void Placeholders_are_parameters(string sql) =>
        Assert.Equal((SqlTokenKind.Parameter, sql), Single(sql));

    [Fact]
    public void Double_colon_is_a_cast_and_colon_name_a_parameter()
    {
        Assert.Equal(
            [(SqlTokenKind.Identifier, "x"), (SqlTokenKind.Cast, "::"), (SqlTokenKind.Identifier, "int"),
             (SqlTokenKind.Operator, "="), (SqlTokenKind.Parameter, ":name")],
            Significant("x::int = :name"));
    }

    [Theory]
    [InlineData("->>")]
    [InlineData("->")]
    [InlineData("#>>")]
    [InlineData("@>")]
    [InlineData("<@")]
    [InlineData("<=")]
    [InlineData(">=")]
    [InlineData("!=")]
    [InlineData("<>")]
    [InlineData("||")]
    [InlineData("@@")]
    [InlineData("~*")]
    [InlineData("&&")]
    public void Multi_character_operators_are_one_token(string op) =>
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, op), (SqlTokenKind.Identifier, "b")], Significant($"a {op} b"));

    [Fact]
    public void Operator_drops_a_trailing_minus_unless_it_holds_a_special_character()
    {
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, "+"), (SqlTokenKind.Operator, "-"), (SqlTokenKind.Number, "1")], Significant("a+-1"));
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, "@-"), (SqlTokenKind.Number, "1")], Significant("a@-1"));
    }

    [Fact]
    public void Comment_start_ends_an_operator()
    {
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, "="), (SqlTokenKind.Number, "1")], Significant("a=-- c\n1"));
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, "<"), (SqlTokenKind.Identifier, "b")], Significant("a</* c */b"));
    }

    [Fact]
    public void Equals_followed_by_a_named_placeholder_splits_before_the_at_sign()
    {
        Assert.Equal([(SqlTokenKind.Identifier, "a"), (SqlTokenKind.Operator, "="), (SqlTokenKind.Parameter, "@p0")], Significant("a=@p0"));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("3.14")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("1e10")]
    [InlineData("2.5E-3")]
    [InlineData("0x1F")]
    [InlineData("0o17")]
    [InlineData("0b101")]
    [InlineData("1_000_000")]
    public void Number_forms_are_one_token(string sql) =>
        Assert.Equal((SqlTokenKind.Number, sql), Single(sql));

    [Fact]
    public void Punctuation_and_keywords_are_classified()
    {
        Assert.Equal(
            [(SqlTokenKind.Keyword, "select"), (SqlTokenKind.Identifier, "s"), (SqlTokenKind.Punctuation, "."), (SqlTokenKind.QuotedIdentifier, "\"Id\""),
             (SqlTokenKind.Punctuation, ","), (SqlTokenKind.Identifier, "f"), (SqlTokenKind.Punctuation, "("), (SqlTokenKind.Identifier, "a"),
             (SqlTokenKind.Punctuation, "["), (SqlTokenKind.Number, "1"), (SqlTokenKind.Punctuation, "]"), (SqlTokenKind.Punctuation, ")"),
             (SqlTokenKind.Punctuation, ";")],
            Significant("select s.\"Id\", f(a[1]);"));
    }

    [Fact]
    public void Allocation_free_scanner_yields_the_same_tokens_as_tokenize()
    {
        const string sql = "SELECT $1, 'a', \"b\" FROM t -- c\n WHERE x::int @> @p0 /* d */;";
        var expected = SqlLexer.Tokenize(sql).ToArray();
        var actual = new List<SqlToken>();
        foreach (var token in SqlLexer.Scan(sql))
        {
            actual.Add(token);
        }

        Assert.Equal(expected, actual);
    }
}
