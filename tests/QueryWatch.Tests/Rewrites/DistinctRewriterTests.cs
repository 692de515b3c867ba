using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

public sealed class DistinctRewriterTests
{
    public static TheoryData<string, string, string> Rewritten() => new()
    {
        // RW001
        { "SELECT DISTINCT a FROM t LIMIT 1", "SELECT a FROM t LIMIT 1", "RW001" },
        { "select distinct a from t limit 1", "select a from t limit 1", "RW001" },
        { "SELECT DISTINCT ON (element_id) 1 AS a\nFROM process_workeractivity\nWHERE process_id = '5b1c'::uuid AND state = 'error'\nLIMIT 1;",
          "SELECT 1 AS a\nFROM process_workeractivity\nWHERE process_id = '5b1c'::uuid AND state = 'error'\nLIMIT 1;", "RW001" },
        { "SELECT DISTINCT ON(a, (b + 1))a, b FROM t ORDER BY a, (b + 1), c LIMIT 1", "SELECT a, b FROM t ORDER BY a, (b + 1), c LIMIT 1", "RW001" },
        { "SELECT DISTINCT a, b FROM t ORDER BY a DESC, b LIMIT 1", "SELECT a, b FROM t ORDER BY a DESC, b LIMIT 1", "RW001" },
        { "SELECT DISTINCT a FROM t LIMIT 1 OFFSET 0", "SELECT a FROM t LIMIT 1 OFFSET 0", "RW001" },
        { "SELECT DISTINCT a FROM t OFFSET 0 ROWS FETCH FIRST 1 ROW ONLY", "SELECT a FROM t OFFSET 0 ROWS FETCH FIRST 1 ROW ONLY", "RW001" },
        { "SELECT DISTINCT a FROM t FETCH NEXT 1 ROWS ONLY", "SELECT a FROM t FETCH NEXT 1 ROWS ONLY", "RW001" },
        { "SELECT DISTINCT a FROM t FETCH FIRST ROW ONLY", "SELECT a FROM t FETCH FIRST ROW ONLY", "RW001" },
        { "SELECT DISTINCT count(*) FROM t WHERE a > 1 LIMIT 1", "SELECT count(*) FROM t WHERE a > 1 LIMIT 1", "RW001" },
        { "SELECT DISTINCT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 LIMIT 1", "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 LIMIT 1", "RW001" },
        { "WITH c AS (SELECT a FROM t) SELECT DISTINCT a FROM c LIMIT 1", "WITH c AS (SELECT a FROM t) SELECT a FROM c LIMIT 1", "RW001" },
        { "SELECT DISTINCT a FROM t WHERE b IN (SELECT b FROM u LIMIT 5) LIMIT 1", "SELECT a FROM t WHERE b IN (SELECT b FROM u LIMIT 5) LIMIT 1", "RW001" },
        // Comments and whitespace around the clause: what goes is DISTINCT ... up to the next token's leading whitespace.
        { "SELECT /* DISTINCT */ DISTINCT\n\t a FROM t LIMIT 1 -- LIMIT 2", "SELECT /* DISTINCT */ a FROM t LIMIT 1 -- LIMIT 2", "RW001" },
        { "SELECT\nDISTINCT/* keep */a FROM t LIMIT 1", "SELECT\n/* keep */a FROM t LIMIT 1", "RW001" },
        { "SELECT DISTINCT ON /* x */ (a) a FROM t LIMIT 1", "SELECT a FROM t LIMIT 1", "RW001" },
        { "SELECT DISTINCT(a) FROM t LIMIT 1", "SELECT (a) FROM t LIMIT 1", "RW001" },
        { "SELECT DISTINCT \"distinct\", 'LIMIT 2 )' FROM \"LIMIT\" LIMIT 1", "SELECT \"distinct\", 'LIMIT 2 )' FROM \"LIMIT\" LIMIT 1", "RW001" },
        { "SELECT DISTINCT a FROM t WHERE b = $$ ) LIMIT 2 ( $$ LIMIT 01", "SELECT a FROM t WHERE b = $$ ) LIMIT 2 ( $$ LIMIT 01", "RW001" },
        // RW002
        { "SELECT EXISTS (SELECT DISTINCT a FROM t)", "SELECT EXISTS (SELECT a FROM t)", "RW002" },
        { "SELECT * FROM t WHERE NOT EXISTS(SELECT DISTINCT ON (u.a) u.b FROM u WHERE u.a = t.a ORDER BY u.a)", "SELECT * FROM t WHERE NOT EXISTS(SELECT u.b FROM u WHERE u.a = t.a ORDER BY u.a)", "RW002" },
        { "SELECT * FROM t WHERE EXISTS (SELECT DISTINCT a, row_number() OVER () FROM u GROUP BY a)", "SELECT * FROM t WHERE EXISTS (SELECT a, row_number() OVER () FROM u GROUP BY a)", "RW002" },
        { "SELECT * FROM (SELECT a FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u)) s", "SELECT * FROM (SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u)) s", "RW002" },
        // RW003
        { "SELECT * FROM t WHERE a IN (SELECT DISTINCT a FROM u)", "SELECT * FROM t WHERE a IN (SELECT a FROM u)", "RW003" },
        { "SELECT * FROM t WHERE a NOT IN ( SELECT  DISTINCT  b FROM u WHERE c IS NULL )", "SELECT * FROM t WHERE a NOT IN ( SELECT  b FROM u WHERE c IS NULL )", "RW003" },
        { "SELECT * FROM t WHERE (a, b) IN (SELECT DISTINCT x, y FROM u)", "SELECT * FROM t WHERE (a, b) IN (SELECT x, y FROM u)", "RW003" },
    };

    [Theory]
    [MemberData(nameof(Rewritten))]
    public void Qualifying_distinct_is_removed_and_nothing_else(string sql, string expected, string rewriteId)
    {
        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal(expected, rewrite.RewrittenSql);
        Assert.Equal([rewriteId], rewrite.RewriteIds);
        Assert.Equal(sql, rewrite.OriginalSql);
        Assert.Null(rewrite.LimitParameterName);
        Assert.All(rewrite.RemovedRanges, r => Assert.StartsWith("DISTINCT", sql.Substring(r.Start, r.Length), StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string> LeftAlone() =>
    [
        "SELECT DISTINCT a FROM t",
        "SELECT DISTINCT a FROM t LIMIT 2",
        "SELECT DISTINCT a FROM t LIMIT ALL",
        "SELECT DISTINCT a FROM t LIMIT (1)",
        "SELECT DISTINCT a FROM t LIMIT 1::bigint",
        "SELECT DISTINCT a FROM t LIMIT 1.0",
        "SELECT DISTINCT a FROM t LIMIT 1 OFFSET 1",
        "SELECT DISTINCT a FROM t LIMIT 1 OFFSET @o",
        "SELECT DISTINCT a FROM t OFFSET $2 LIMIT $1",
        "SELECT DISTINCT a FROM t FETCH FIRST 1 ROWS WITH TIES",
        "SELECT DISTINCT a FROM t FETCH FIRST 2 ROWS ONLY",
        "SELECT DISTINCT a FROM t LIMIT 1 FOR UPDATE",
        "SELECT DISTINCT a FROM t LIMIT 1 FOR NO KEY UPDATE",
        "SELECT DISTINCT a FROM t LIMIT 1 FOR SHARE",
        "SELECT * FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u FOR UPDATE SKIP LOCKED)",
        "SELECT DISTINCT a, row_number() OVER () FROM t LIMIT 1",
        "SELECT DISTINCT a, sum(b) OVER w FROM t WINDOW w AS (PARTITION BY a) LIMIT 1",
        "SELECT DISTINCT a FROM t UNION SELECT DISTINCT a FROM u LIMIT 1",
        "SELECT DISTINCT a FROM t EXCEPT ALL SELECT a FROM u LIMIT 1",
        "(SELECT DISTINCT a FROM t LIMIT 1)",
        "(SELECT DISTINCT a FROM t) UNION ALL (SELECT DISTINCT a FROM u) LIMIT 1",
        "SELECT * FROM (SELECT DISTINCT a FROM t) s LIMIT 1",
        "SELECT * FROM (SELECT DISTINCT a FROM t LIMIT 1) s",
        "SELECT (SELECT DISTINCT a FROM t LIMIT 1)",
        "WITH c AS (SELECT DISTINCT a FROM t LIMIT 1) SELECT * FROM c",
        "WITH c AS (SELECT DISTINCT a FROM t) SELECT 1 WHERE EXISTS (SELECT 1 FROM c)",
        "SELECT EXISTS (WITH c AS (SELECT DISTINCT a FROM t) SELECT DISTINCT a FROM c)",
        "SELECT EXISTS (SELECT DISTINCT a FROM t LIMIT 1)",
        "SELECT EXISTS (SELECT DISTINCT a FROM t OFFSET 0)",
        "SELECT EXISTS (SELECT DISTINCT a FROM t UNION SELECT b FROM u)",
        "SELECT EXISTS (SELECT DISTINCT a FROM t EXCEPT ALL SELECT b FROM u)",
        "SELECT EXISTS ((SELECT DISTINCT a FROM t))",
        "SELECT 1 IN ((SELECT DISTINCT a FROM t))",
        "SELECT 1 IN (SELECT DISTINCT ON (a) b FROM t)",
        "SELECT 'x' COLLATE \"C\" IN (SELECT DISTINCT name FROM t)",
        "SELECT position('a' IN (SELECT DISTINCT s FROM t))",
        "SELECT 1 = ANY (SELECT DISTINCT a FROM t)",
        "SELECT a FROM t WHERE a IN (SELECT DISTINCT a FROM u LIMIT 3)",
        "SELECT count(DISTINCT a) FROM t LIMIT 1",
        "SELECT a FROM t WHERE a IS DISTINCT FROM b LIMIT 1",
        "SELECT a FROM t UNION DISTINCT SELECT a FROM u LIMIT 1",
        "SELECT \"distinct\" FROM t LIMIT 1",
        "SELECT a FROM t -- SELECT DISTINCT a FROM t LIMIT 1",
        "SELECT 'SELECT DISTINCT a FROM t LIMIT 1'",
        "SELECT /* EXISTS (SELECT DISTINCT a FROM t) */ 1",
        "SELECT DISTINCT FROM t LIMIT 1",
        "SELECT DISTINCT ON () a FROM t LIMIT 1",
        "SELECT DISTINCT ON a FROM t LIMIT 1",
        "SELECT DISTINCT a FROM t LIMIT 1; SELECT 1",
        "SELECT DISTINCT a FROM t LIMIT 1)",
        "SELECT DISTINCT a FROM (t LIMIT 1",
        "SELECT DISTINCT a FROM t WHERE b = 'open LIMIT 1",
        "SELECT DISTINCT a FROM t LIMIT 1 /* unterminated",
        "SELECT DISTINCT a FROM t LIMIT 1 /* nested /* */",
        "SELECT DISTINCT a FROM \"t LIMIT 1",
        "SELECT DISTINCT a FROM t WHERE b = $x$ LIMIT 1",
        "SELECT DISTINCT a FROM t WHERE b = E'it\\' LIMIT 1",
        "SELECT DISTINCT a FROM t WHERE b = { LIMIT 1",
        "SELECT DISTINCT a INTO s FROM t LIMIT 1",
        "INSERT INTO s SELECT DISTINCT a FROM t LIMIT 1",
        "DELETE FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u)",
        "UPDATE t SET a = 1 WHERE a IN (SELECT DISTINCT a FROM u)",
        "WITH d AS (DELETE FROM u RETURNING a) SELECT DISTINCT a FROM d LIMIT 1",
        "EXPLAIN SELECT DISTINCT a FROM t LIMIT 1",
        "VALUES (1)",
        "",
        "   ",
        ";",
    ];

    [Theory]
    [MemberData(nameof(LeftAlone))]
    public void Statement_that_does_not_qualify_is_left_alone(string sql) =>
        Assert.Null(DistinctRewriter.TryRewrite(sql));

    [Fact]
    public void Null_sql_is_left_alone() => Assert.Null(DistinctRewriter.TryRewrite(null));

    [Fact]
    public void Ef_core_existence_check_with_limit_one_drops_the_distinct()
    {
        const string sql = "SELECT DISTINCT p.\"ElementId\"\nFROM process_workeractivity AS p\nWHERE p.\"ProcessId\" = @__id_0 AND p.\"State\" = 'error'\nLIMIT 1";

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal("SELECT p.\"ElementId\"\nFROM process_workeractivity AS p\nWHERE p.\"ProcessId\" = @__id_0 AND p.\"State\" = 'error'\nLIMIT 1", rewrite.RewrittenSql);
        Assert.Equal([new SqlRemovedRange("RW001", 7, 9)], rewrite.RemovedRanges);
    }

    [Fact]
    public void Ef_core_exists_subquery_drops_the_distinct()
    {
        const string sql = "SELECT EXISTS (\n    SELECT DISTINCT 1\n    FROM process_workeractivity AS p\n    WHERE p.\"ProcessId\" = @__id_0 AND p.\"State\" = 'error')";

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal("SELECT EXISTS (\n    SELECT 1\n    FROM process_workeractivity AS p\n    WHERE p.\"ProcessId\" = @__id_0 AND p.\"State\" = 'error')", rewrite.RewrittenSql);
        Assert.Equal(["RW002"], rewrite.RewriteIds);
    }

    [Fact]
    public void Every_qualifying_distinct_of_a_statement_goes_in_one_rewrite()
    {
        const string sql = "SELECT DISTINCT a FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u WHERE u.a = t.a) AND b NOT IN (SELECT DISTINCT b FROM v) LIMIT 1";

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a) AND b NOT IN (SELECT b FROM v) LIMIT 1", rewrite.RewrittenSql);
        Assert.Equal(["RW001", "RW002", "RW003"], rewrite.RewriteIds);
        Assert.Equal(["RW001", "RW002", "RW003"], rewrite.RemovedRanges.Select(r => r.RewriteId));
    }

    [Fact]
    public void Disabled_rewrite_id_is_not_proposed_and_the_others_still_are()
    {
        const string sql = "SELECT DISTINCT a FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u) LIMIT 1";

        var rewrite = DistinctRewriter.TryRewrite(sql, new HashSet<string> { "RW001" });

        Assert.NotNull(rewrite);
        Assert.Equal("SELECT DISTINCT a FROM t WHERE EXISTS (SELECT 1 FROM u) LIMIT 1", rewrite.RewrittenSql);
        Assert.Null(DistinctRewriter.TryRewrite("SELECT DISTINCT a FROM t LIMIT 1", new HashSet<string> { "RW001" }));
    }

    [Theory]
    [InlineData("SELECT DISTINCT a FROM t WHERE b = @__id_0 LIMIT @__p_1", "@__p_1")]
    [InlineData("SELECT DISTINCT a FROM t LIMIT $1", "$1")]
    [InlineData("SELECT DISTINCT a FROM t FETCH FIRST :n ROWS ONLY", ":n")]
    public void Limit_placeholder_makes_the_rewrite_depend_on_its_value(string sql, string parameter)
    {
        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal(parameter, rewrite.LimitParameterName);
        Assert.True(DistinctRewriter.AppliesTo(rewrite, name => name == parameter ? 1 : null));
        Assert.True(DistinctRewriter.AppliesTo(rewrite, _ => 1L));
        Assert.True(DistinctRewriter.AppliesTo(rewrite, _ => (short)1));
        Assert.True(DistinctRewriter.AppliesTo(rewrite, _ => 1m));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => 2));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => 0L));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => null));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => DBNull.Value));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => "1"));
        Assert.False(DistinctRewriter.AppliesTo(rewrite, _ => 1.5m));
    }

    [Fact]
    public void Rewrite_with_a_literal_limit_applies_to_every_execution()
    {
        var rewrite = DistinctRewriter.TryRewrite("SELECT DISTINCT a FROM t WHERE b = @b LIMIT 1");

        Assert.NotNull(rewrite);
        Assert.True(DistinctRewriter.AppliesTo(rewrite, _ => 2));
    }

    [Fact]
    public void Parameters_and_literals_survive_byte_for_byte()
    {
        const string sql = "SELECT DISTINCT ON (x.\"Id\") x.\"Id\" FROM \"Xs\" x WHERE x.\"Name\" = E'a\\'b' AND x.y = @p AND z = $1 AND w = U&'d\\0061t' LIMIT 1";

        var rewrite = DistinctRewriter.TryRewrite(sql);

        Assert.NotNull(rewrite);
        Assert.Equal(sql.Remove(7, "DISTINCT ON (x.\"Id\") ".Length), rewrite.RewrittenSql);
    }
}
