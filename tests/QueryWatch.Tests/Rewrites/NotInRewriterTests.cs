using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

public sealed class NotInRewriterTests
{
    public static TheoryData<string, string> Rewritten() => new()
    {
        { "SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t)",
          "SELECT p.id FROM p WHERE NOT EXISTS (SELECT 1 FROM t WHERE p.id = t.p_id)" },
        { "SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE t.state = @p0 OR t.run > $2)",
          "SELECT p.id FROM p WHERE NOT EXISTS (SELECT 1 FROM t WHERE (t.state = @p0 OR t.run > $2) AND p.id = t.p_id)" },
        { "SELECT \"p\".\"Id\" FROM \"Processes\" AS \"p\" WHERE \"p\".\"Id\" NOT IN (\n    SELECT \"t\".\"ProcessId\"\n    FROM public.\"Tasks\" AS \"t\" -- last\n)",
          "SELECT \"p\".\"Id\" FROM \"Processes\" AS \"p\" WHERE NOT EXISTS (\n    SELECT 1\n    FROM public.\"Tasks\" AS \"t\" WHERE \"p\".\"Id\" = \"t\".\"ProcessId\" -- last\n)" },
        { "SELECT count(*) FROM p x WHERE x.a > 1 AND x.id NOT IN (SELECT p_id FROM t WHERE p_id IS NOT NULL) ORDER BY 1",
          "SELECT count(*) FROM p x WHERE x.a > 1 AND NOT EXISTS (SELECT 1 FROM t WHERE (p_id IS NOT NULL) AND x.id = p_id) ORDER BY 1" },
        { "SELECT p.id FROM p JOIN q ON q.id = p.q WHERE p.id NOT IN (SELECT u.a FROM u) AND q.b NOT IN (SELECT v.b FROM v)",
          "SELECT p.id FROM p JOIN q ON q.id = p.q WHERE NOT EXISTS (SELECT 1 FROM u WHERE p.id = u.a) AND NOT EXISTS (SELECT 1 FROM v WHERE q.b = v.b)" },
    };

    [Theory]
    [MemberData(nameof(Rewritten))]
    public void Not_in_over_a_plain_subquery_becomes_not_exists_with_the_same_parameters(string sql, string expected)
    {
        var rewrite = NotInRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal(expected, rewrite.Rewrite.RewrittenSql);
        Assert.Equal(["RW004"], rewrite.Rewrite.RewriteIds);
        Assert.Null(rewrite.Rewrite.LimitParameterName);
    }

    [Fact]
    public void Clause_names_the_tables_and_columns_the_catalog_must_prove()
    {
        var rewrite = NotInRewriter.TryRewrite(
            "SELECT \"p\".\"Id\" FROM public.\"Processes\" AS \"p\" WHERE \"p\".\"Id\" NOT IN (SELECT t.\"ProcessId\" FROM \"Tasks\" t WHERE t.\"ProcessId\" IS NOT NULL AND t.x = 1)");

        var clause = Assert.Single(rewrite!.Clauses);
        Assert.Equal(new NotInClause("public.\"Processes\"", "Id", "\"Tasks\"", "ProcessId", true), clause);
    }

    [Theory]
    [InlineData("SELECT p.id FROM p WHERE id NOT IN (SELECT p_id FROM t)")] // unqualified: could mean t.id inside
    [InlineData("SELECT t.id FROM t WHERE t.id NOT IN (SELECT t.p_id FROM t)")] // same binding inside and out
    [InlineData("SELECT p.id FROM p WHERE p.id + 1 NOT IN (SELECT t.p_id FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE (p.id, p.b) NOT IN (SELECT t.p_id, t.b FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id, t.b FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT max(t.p_id) FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t GROUP BY t.p_id)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t UNION SELECT u.a FROM u)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t LIMIT 10)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t OFFSET 1)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT DISTINCT ON (t.p_id) t.p_id FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT DISTINCT t.p_id FROM t)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE row_number() OVER () > 1)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t JOIN u ON u.a = t.a)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t, u)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t ORDER BY 1)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT u.p_id FROM t)")] // qualifier is not the subquery's table
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (1, 2)")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t) IS NULL")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t) = true")]
    [InlineData("SELECT p.id FROM q LEFT JOIN p ON p.q = q.id WHERE p.id NOT IN (SELECT t.p_id FROM t)")] // p may be NULL-extended
    [InlineData("SELECT p.id FROM p RIGHT JOIN q ON p.q = q.id WHERE p.id NOT IN (SELECT t.p_id FROM t)")]
    [InlineData("SELECT s.id FROM (SELECT id FROM p) s WHERE s.id NOT IN (SELECT t.p_id FROM t)")] // derived table
    [InlineData("WITH p AS (SELECT 1 AS id) SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t)")] // a CTE, not a table
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t) FOR UPDATE")]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t")]
    [InlineData("SELECT p.id FROM p WHERE q.id NOT IN (SELECT t.p_id FROM t)")] // q bound nowhere
    [InlineData("SELECT p.id FROM p WHERE p.id /* NOT IN (SELECT t.p_id FROM t) */ > 1")]
    [InlineData("SELECT p.id FROM p WHERE p.id = 'x NOT IN (SELECT t.p_id FROM t)'")]
    [InlineData("SELECT p.id FROM p WHERE p.id IN (SELECT t.p_id FROM t)")]
    public void Statement_the_rewriter_does_not_fully_understand_is_left_alone(string sql) =>
        Assert.Null(NotInRewriter.TryRewrite(sql));

    [Fact]
    public void Disabled_rw004_is_never_proposed() =>
        Assert.Null(NotInRewriter.TryRewrite("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t)", new HashSet<string> { "RW004" }));

    [Theory]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE t.p_id IS NOT NULL OR t.a = 1)", false)]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE t.a = 1 AND p_id IS NOT NULL)", true)]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE t.a IS NOT NULL)", false)]
    [InlineData("SELECT p.id FROM p WHERE p.id NOT IN (SELECT t.p_id FROM t WHERE (t.p_id IS NOT NULL OR true))", false)]
    public void Only_a_top_level_is_not_null_on_the_selected_column_excludes_nulls(string sql, bool excludes) =>
        Assert.Equal(excludes, Assert.Single(NotInRewriter.TryRewrite(sql)!.Clauses).InnerExcludesNulls);
}
