using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class SqlFingerprintTests
{
    [Theory]
    [InlineData("select  *\n from T where A = 1", "SELECT * FROM t WHERE a = $1")]
    [InlineData("SELECT s.\"Id\" FROM \"Blogs\" AS s WHERE s.\"Name\" = @__name_0 LIMIT @__p_1", "SELECT s.\"Id\" FROM \"Blogs\" AS s WHERE s.\"Name\" = $1 LIMIT $2")]
    [InlineData("SELECT 'a', E'b\\'', U&'d\\0061t' UESCAPE '\\', B'01', X'1F', $$x$$, 1.5e3, TRUE, false", "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9")]
    [InlineData("SELECT 'a'\n'b' FROM t", "SELECT $1 FROM t")]
    [InlineData("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN ($1 /*, ... */)")]
    [InlineData("SELECT * FROM t WHERE id NOT IN (@p0,@p1)", "SELECT * FROM t WHERE id NOT IN ($1 /*, ... */)")]
    [InlineData("SELECT * FROM t WHERE id = ANY(ARRAY[1, -2, 3::int]::int[])", "SELECT * FROM t WHERE id = ANY (ARRAY[$1 /*, ... */]::int[])")]
    [InlineData("SELECT * FROM t WHERE id IN (SELECT 1)", "SELECT * FROM t WHERE id IN (SELECT $1)")]
    [InlineData("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))", "SELECT * FROM t WHERE (a, b) IN (($1, $2), ($3, $4))")]
    [InlineData("SELECT a - 1, -1, f(-2), x::int, count(*) FROM t", "SELECT a - $1, $2, f($3), x::int, count(*) FROM t")]
    [InlineData("SELECT CASE WHEN a THEN -1 END - 1 FROM t", "SELECT CASE WHEN a THEN $1 END - $2 FROM t")]
    [InlineData("/* tag */ SELECT 1; -- done\n", "SELECT $1")]
    [InlineData("SELECT 1;; SELECT 2;", "SELECT $1; SELECT $2")]
    [InlineData("SELECT p.\"Attributes\" ->> 'color' FROM p WHERE p.tags @> $1 AND p.doc ? 'k'", "SELECT p.\"Attributes\" ->> $1 FROM p WHERE p.tags @> $2 AND p.doc ? $3")]
    [InlineData("SELECT a[1:2], :name FROM t", "SELECT a[$1 : $2], $3 FROM t")]
    public void Normalized_text_replaces_constants_and_rebuilds_spacing(string sql, string expected) =>
        Assert.Equal(expected, SqlFingerprint.Compute(sql).Normalized);

    [Fact]
    public void Quoted_identifiers_keep_their_case_and_unquoted_ones_fold()
    {
        var upper = SqlFingerprint.Compute("SELECT \"Id\" FROM Blogs");
        Assert.Equal("SELECT \"Id\" FROM blogs", upper.Normalized);
        Assert.Equal(upper.Id, SqlFingerprint.ComputeId("select \"Id\" from blogs"));
        Assert.NotEqual(upper.Id, SqlFingerprint.ComputeId("select \"id\" from blogs"));
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE id IN (1)", "SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5, 6, 7)")]
    [InlineData("SELECT * FROM t WHERE id IN (@p0)", "SELECT * FROM t WHERE id IN (@p0, @p1, @p2)")]
    [InlineData("SELECT * FROM t WHERE id = ANY (ARRAY[1])", "SELECT * FROM t WHERE id = ANY (ARRAY[1,2,3,4])")]
    [InlineData("SELECT * FROM t WHERE id = $1", "SELECT * FROM t WHERE id = @__id_0")]
    [InlineData("SELECT * FROM t WHERE id = 'x'", "SELECT * FROM t WHERE id = $tag$y$tag$")]
    [InlineData("SELECT * FROM t WHERE flag", "SELECT * FROM t -- trailing\n WHERE /* c */ flag ;")]
    [InlineData("SELECT * FROM t WHERE a=-1", "SELECT * FROM t WHERE a = 2")]
    public void Statements_pg_stat_statements_groups_share_an_id(string a, string b) =>
        Assert.Equal(SqlFingerprint.ComputeId(a), SqlFingerprint.ComputeId(b));

    [Theory]
    [InlineData("SELECT a FROM t", "SELECT b FROM t")]
    [InlineData("SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a > 1")]
    [InlineData("SELECT * FROM t WHERE a IN (1)", "SELECT * FROM t WHERE a NOT IN (1)")]
    [InlineData("SELECT * FROM t WHERE a IN (1)", "SELECT * FROM t WHERE a = 1")]
    [InlineData("SELECT a - 1 FROM t", "SELECT a FROM t")]
    [InlineData("SELECT \"ab\" FROM t", "SELECT \"a\" \"b\" FROM t")]
    [InlineData("SELECT 1 FOR UPDATE", "SELECT 1 FOR SHARE")]
    public void Different_statements_get_different_ids(string a, string b) =>
        Assert.NotEqual(SqlFingerprint.ComputeId(a), SqlFingerprint.ComputeId(b));

    [Fact]
    public void Id_is_stable_across_processes_and_releases()
    {
        // Pinned: a change here breaks every id users have stored or logged.
        var fingerprint = SqlFingerprint.Compute("SELECT b.\"Id\" FROM \"Blogs\" AS b WHERE b.\"Id\" = @__id_0");
        Assert.Equal(PinnedId, fingerprint.IdHex);
        Assert.Equal(16, fingerprint.IdHex.Length);
    }

    private const string PinnedId = "1332b11e43b34eac";

    [Fact]
    public void Compute_and_ComputeId_agree() =>
        Assert.Equal(SqlFingerprint.Compute("SELECT x FROM t WHERE y IN (1,2)").Id, SqlFingerprint.ComputeId("SELECT x FROM t WHERE y IN (1,2)"));

    [Fact]
    public void Normalized_text_holds_no_literal_value()
    {
        var normalized = SqlFingerprint.Compute("UPDATE users SET password = 'hunter2', pin = 1234 WHERE email = E'bob@example.com'").Normalized;
        Assert.DoesNotContain("hunter2", normalized);
        Assert.DoesNotContain("1234", normalized);
        Assert.DoesNotContain("bob", normalized);
    }
}
