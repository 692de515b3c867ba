using CsCheck;
using QueryWatch.Rewrites;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

public sealed class DistinctRewriterPropertyTests
{
    private static readonly Gen<GeneratedStatement> Statements =
        Gen.Int[0, 1_000_000].Array[0, 400].Select(GeneratedStatement.Build);

    private static readonly string[] Fragments =
    [
        "SELECT", "DISTINCT", "ON", "(", ")", "a", "1", "0", "2", "LIMIT", "OFFSET", "FETCH", "FIRST", "ROW", "ONLY", "EXISTS",
        "IN", "NOT", "FROM", "t", "WHERE", "=", ",", "UNION", "'", "''", "\"", "\"distinct\"", "$$", "/*", "*/", "--", "\n",
        ";", "@p", "$1", " ", " ", " ", "ORDER BY", "OVER", "FOR", "UPDATE", "WITH", "AS", "[", "]", "{", "E'\\'",
    ];

    private static readonly Gen<string> SqlLike = Gen.OneOf(
        Gen.OneOf(Fragments).Array[0, 60].Select(parts => string.Join(" ", parts)),
        Gen.OneOf(Fragments).Array[0, 60].Select(string.Concat),
        Gen.String);

    [Fact]
    public void Generated_statements_get_exactly_the_rewrites_their_shape_allows() =>
        Statements.Sample(statement =>
        {
            var rewrite = DistinctRewriter.TryRewrite(statement.Sql);
            var reported = rewrite?.RemovedRanges.Select(r => r.RewriteId).ToArray() ?? [];
            return reported.SequenceEqual(statement.Expected)
                && (rewrite is null || (rewrite.LimitParameterName == statement.LimitParameter && IsExactRemoval(statement.Sql, rewrite)));
        }, iter: 20_000);

    [Fact]
    public void Generated_statements_cover_every_rewrite_and_the_cases_left_alone()
    {
        var counts = new Dictionary<string, int> { ["RW001"] = 0, ["RW002"] = 0, ["RW003"] = 0, ["none"] = 0, ["parameter"] = 0 };
        Statements.Sample(statement =>
        {
            lock (counts)
            {
                foreach (var id in statement.Expected.DefaultIfEmpty("none"))
                {
                    counts[id]++;
                }

                counts["parameter"] += statement.LimitParameter is null || statement.Expected.Count == 0 ? 0 : 1;
            }
        }, iter: 2_000);

        // The generator is random on every run and the rarest case sits close to the old bound of
        // 50 in 2,000 (it failed once in a run); 20 still proves every case is generated.
        Assert.All(counts, c => Assert.True(c.Value >= 20, $"{c.Key}: {c.Value} of 2000"));
    }

    [Fact]
    public void Any_text_is_left_alone_or_loses_only_real_distinct_clauses() =>
        SqlLike.Sample(sql =>
        {
            var rewrite = DistinctRewriter.TryRewrite(sql);
            return rewrite is null || IsExactRemoval(sql, rewrite);
        }, iter: 20_000);

    [Theory]
    [InlineData("(")]
    [InlineData("EXISTS (SELECT DISTINCT 1 FROM t WHERE ")]
    [InlineData("SELECT DISTINCT 1 UNION ")]
    [InlineData("/*")]
    [InlineData("'")]
    public void Deeply_nested_or_repeated_input_is_handled(string fragment)
    {
        var body = string.Concat(Enumerable.Repeat(fragment, 200_000 / fragment.Length));
        var sql = "SELECT 1 WHERE " + body + string.Concat(Enumerable.Repeat(")", body.Count(c => c == '(')));

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.True(rewrite is null || IsExactRemoval(sql, rewrite));
    }

    [Fact]
    public void Deep_exists_nesting_rewrites_every_level()
    {
        const int depth = 5_000;
        var sql = "SELECT 1 WHERE " + string.Concat(Enumerable.Repeat("EXISTS (SELECT DISTINCT 1 FROM t WHERE ", depth)) + "true" + new string(')', depth);

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal(depth, rewrite.RemovedRanges.Count);
        Assert.DoesNotContain("DISTINCT", rewrite.RewrittenSql, StringComparison.Ordinal);
    }

    /// <summary>
    /// The rewrite is the original minus its ranges, and each range is a real DISTINCT keyword
    /// right after a SELECT, then optionally ON and a balanced parenthesized group (comments
    /// and whitespace between them), then at most one whitespace token, ending on a token boundary.
    /// </summary>
    internal static bool IsExactRemoval(string sql, SqlRewrite rewrite)
    {
        var tokens = SqlLexer.Tokenize(sql).ToList();
        var expected = new System.Text.StringBuilder();
        var position = 0;
        foreach (var range in rewrite.RemovedRanges)
        {
            if (range.Start < position || range.Length <= 0 || range.End > sql.Length || !IsDistinctClause(sql, tokens, range))
            {
                return false;
            }

            expected.Append(sql, position, range.Start - position);
            position = range.End;
        }

        expected.Append(sql, position, sql.Length - position);
        return rewrite.RemovedRanges.Count > 0 && rewrite.OriginalSql == sql && rewrite.RewrittenSql == expected.ToString()
            && rewrite.RewriteIds.SequenceEqual(rewrite.RemovedRanges.Select(r => r.RewriteId).Distinct());
    }

    private static bool IsDistinctClause(string sql, List<SqlToken> tokens, SqlRemovedRange range)
    {
        var first = tokens.BinarySearch(new SqlToken(SqlTokenKind.Whitespace, range.Start, 1), Comparer<SqlToken>.Create((x, y) => x.Start.CompareTo(y.Start)));
        if (first < 0 || tokens[first].Kind != SqlTokenKind.Keyword || !SqlKeywords.Is(tokens[first].Text(sql), "DISTINCT"))
        {
            return false;
        }

        var before = first - 1;
        while (before >= 0 && tokens[before].IsTrivia)
        {
            before--;
        }

        if (before < 0 || !SqlKeywords.Is(tokens[before].Text(sql), "SELECT"))
        {
            return false;
        }

        var i = first + 1;
        var on = i;
        while (on < tokens.Count && tokens[on].IsTrivia)
        {
            on++;
        }

        if (on < tokens.Count && tokens[on].End <= range.End && SqlKeywords.Is(tokens[on].Text(sql), "ON"))
        {
            var depth = 0;
            i = on + 1;
            for (; i < tokens.Count && tokens[i].End <= range.End; i++)
            {
                var c = sql[tokens[i].Start];
                if (tokens[i].Kind == SqlTokenKind.Punctuation && c == '(')
                {
                    depth++;
                }
                else if (tokens[i].Kind == SqlTokenKind.Punctuation && c == ')' && --depth == 0)
                {
                    i++;
                    break;
                }
                else if (depth == 0 && !tokens[i].IsTrivia)
                {
                    return false;
                }
            }

            if (depth != 0)
            {
                return false;
            }
        }

        if (i < tokens.Count && tokens[i].End <= range.End && tokens[i].Kind == SqlTokenKind.Whitespace)
        {
            i++;
        }

        return i <= tokens.Count && (i == tokens.Count ? sql.Length : tokens[i].Start) == range.End;
    }
}
