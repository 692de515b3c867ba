using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class SqlStatementSplitterTests
{
    private static string[] Texts(string sql) => [.. SqlStatementSplitter.Split(sql).Select(s => s.Text)];

    [Fact]
    public void Select_then_delete_are_two_statements_with_their_kinds()
    {
        var statements = SqlStatementSplitter.Split("SELECT 1; DELETE FROM t");

        Assert.Equal(["SELECT 1", "DELETE FROM t"], statements.Select(s => s.Text));
        Assert.Equal([SqlStatementKind.Select, SqlStatementKind.Delete], statements.Select(s => s.Kind));
        Assert.True(statements[0].IsReadOnlySelect);
        Assert.False(statements[1].IsReadOnlySelect);
    }

    [Fact]
    public void Start_and_length_point_into_the_script()
    {
        const string sql = "  SELECT 1 ;\n\n  UPDATE t SET a = 1  ";
        foreach (var statement in SqlStatementSplitter.Split(sql))
        {
            Assert.Equal(statement.Text, sql.Substring(statement.Start, statement.Length));
        }

        Assert.Equal(["SELECT 1", "UPDATE t SET a = 1"], Texts(sql));
    }

    [Theory]
    [InlineData("SELECT 'a;b'")]
    [InlineData("SELECT E'a\\';b'")]
    [InlineData("SELECT \"a;b\" FROM t")]
    [InlineData("SELECT 1 /* ; */ + 2")]
    [InlineData("SELECT 1 -- ;\n + 2")]
    [InlineData("SELECT $$;$$")]
    [InlineData("SELECT $x$ $$ ; $$ $x$")]
    [InlineData("SELECT ARRAY[(SELECT 1)]")]
    public void Semicolon_inside_quotes_comments_or_dollar_quotes_does_not_split(string sql) =>
        Assert.Equal([sql], Texts(sql + ";"));

    [Fact]
    public void Semicolon_inside_parentheses_does_not_split()
    {
        const string sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))";
        Assert.Equal([sql], Texts(sql));
    }

    [Fact]
    public void Dollar_quoted_function_body_stays_in_its_statement()
    {
        const string function = """
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$
            BEGIN
              UPDATE t SET n = n + 1;
              RETURN 1;
            END
            $fn$
            """;
        var statements = SqlStatementSplitter.Split(function + ";\nSELECT f();");

        Assert.Equal([function, "SELECT f()"], statements.Select(s => s.Text));
        Assert.Equal([SqlStatementKind.Ddl, SqlStatementKind.Select], statements.Select(s => s.Kind));
    }

    [Fact]
    public void Begin_atomic_body_stays_in_its_statement_even_with_case_end()
    {
        const string function = """
            CREATE PROCEDURE p(x int) LANGUAGE sql BEGIN ATOMIC
              INSERT INTO t VALUES (CASE WHEN x > 0 THEN x ELSE 0 END);
              DELETE FROM t WHERE n < 0;
            END
            """;
        Assert.Equal([function, "CALL p(1)"], Texts(function + "; CALL p(1);"));
    }

    [Fact]
    public void Begin_as_a_transaction_still_splits()
    {
        var statements = SqlStatementSplitter.Split("BEGIN; SELECT 1; COMMIT;");
        Assert.Equal([SqlStatementKind.Utility, SqlStatementKind.Select, SqlStatementKind.Utility], statements.Select(s => s.Kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(";;; ;")]
    [InlineData("-- only a comment")]
    [InlineData("/* a */ ; -- b\n;")]
    public void Empty_statements_are_dropped(string sql) => Assert.Empty(SqlStatementSplitter.Split(sql));

    [Fact]
    public void Leading_tag_comment_stays_with_its_statement()
    {
        Assert.Equal(["SELECT 1", "-- querywatch:ignore\n\nSELECT 2"], Texts("SELECT 1; -- querywatch:ignore\n\nSELECT 2;   "));
    }

    [Theory]
    [InlineData("select 1", nameof(SqlStatementKind.Select))]
    [InlineData("(SELECT 1) UNION (SELECT 2)", nameof(SqlStatementKind.Select))]
    [InlineData("INSERT INTO t VALUES (1)", nameof(SqlStatementKind.Insert))]
    [InlineData("update t set a = 1", nameof(SqlStatementKind.Update))]
    [InlineData("DELETE FROM t", nameof(SqlStatementKind.Delete))]
    [InlineData("MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", nameof(SqlStatementKind.Merge))]
    [InlineData("VALUES (1), (2)", nameof(SqlStatementKind.Values))]
    [InlineData("TABLE t", nameof(SqlStatementKind.Table))]
    [InlineData("EXPLAIN (ANALYZE) DELETE FROM t", nameof(SqlStatementKind.Explain))]
    [InlineData("CREATE INDEX i ON t (a)", nameof(SqlStatementKind.Ddl))]
    [InlineData("ALTER TABLE t ADD COLUMN b int", nameof(SqlStatementKind.Ddl))]
    [InlineData("DROP TABLE t", nameof(SqlStatementKind.Ddl))]
    [InlineData("TRUNCATE t", nameof(SqlStatementKind.Ddl))]
    [InlineData("SET statement_timeout = 1000", nameof(SqlStatementKind.Utility))]
    [InlineData("COPY t FROM STDIN", nameof(SqlStatementKind.Utility))]
    [InlineData("VACUUM ANALYZE t", nameof(SqlStatementKind.Utility))]
    [InlineData("START TRANSACTION READ ONLY", nameof(SqlStatementKind.Utility))]
    [InlineData("CALL p()", nameof(SqlStatementKind.Utility))]
    [InlineData("DO $$ BEGIN END $$", nameof(SqlStatementKind.Utility))]
    [InlineData("LOCK TABLE t", nameof(SqlStatementKind.Utility))]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", nameof(SqlStatementKind.Select))]
    [InlineData("WITH x AS (SELECT 1), y (a) AS MATERIALIZED (SELECT 2) UPDATE t SET a = 1", nameof(SqlStatementKind.Update))]
    [InlineData("WITH d AS (DELETE FROM t RETURNING *) INSERT INTO a SELECT * FROM d", nameof(SqlStatementKind.Insert))]
    [InlineData("frobnicate t", nameof(SqlStatementKind.Other))]
    [InlineData("-- nothing", nameof(SqlStatementKind.Empty))]
    public void Statements_are_classified_by_their_leading_keyword(string sql, string kind) =>
        Assert.Equal(Enum.Parse<SqlStatementKind>(kind), SqlStatementClassifier.Classify(sql));

    [Theory]
    [InlineData("SELECT * FROM t WHERE a = 1")]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x")]
    [InlineData("VALUES (1)")]
    [InlineData("TABLE t")]
    [InlineData("SELECT 'UPDATE' || \"Delete\" FROM t")]
    public void Plain_queries_are_read_only(string sql) =>
        Assert.True(SqlStatementSplitter.Split(sql).Single().IsReadOnlySelect);

    [Theory]
    [InlineData("SELECT * FROM t FOR UPDATE")]
    [InlineData("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED")]
    [InlineData("SELECT * FROM t FOR SHARE")]
    [InlineData("SELECT * FROM t FOR KEY SHARE NOWAIT")]
    [InlineData("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")]
    [InlineData("WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT count(*) FROM u")]
    [InlineData("WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i")]
    [InlineData("SELECT * INTO copy_of_t FROM t")]
    [InlineData("EXPLAIN SELECT 1")]
    [InlineData("UPDATE t SET a = 1")]
    public void Writing_or_locking_queries_are_not_read_only(string sql) =>
        Assert.False(SqlStatementSplitter.Split(sql).Single().IsReadOnlySelect);

    [Fact]
    public void A_statement_hiding_a_second_one_is_not_read_only() =>
        Assert.False(SqlStatementClassifier.IsReadOnlySelect("SELECT 1; SET x = 1", SqlStatementKind.Select));

    [Fact]
    public void Unbalanced_closing_parenthesis_does_not_swallow_the_next_statement()
    {
        Assert.Equal(["SELECT 1)", "SELECT 2"], Texts("SELECT 1); SELECT 2"));
    }
}
