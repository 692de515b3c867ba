using QueryWatch.Explain;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Sql;

public sealed class SqlQuerySummaryTests
{
    [Theory]
    [InlineData("SELECT i.id, i.name FROM items AS i WHERE i.note = @__note_0 LIMIT 1", "SELECT items")]
    [InlineData("-- items report\nSELECT count(*) FROM public.\"Orders\" o JOIN customers c ON c.id = o.customer_id", "SELECT public.Orders")]
    [InlineData("SELECT extract(year FROM now()), x FROM (SELECT 1 AS x) s JOIN events e ON true", "SELECT events")]
    [InlineData("WITH recent AS (SELECT * FROM events WHERE at > $1) SELECT * FROM recent", "SELECT recent")]
    [InlineData("INSERT INTO audit_log (at, what) VALUES (now(), 'x')", "INSERT audit_log")]
    [InlineData("UPDATE ONLY jobs SET state = 'done' WHERE id = 42", "UPDATE jobs")]
    [InlineData("DELETE FROM sessions WHERE expires_at < now()", "DELETE sessions")]
    [InlineData("SELECT 1", "SELECT")]
    [InlineData("VACUUM ANALYZE items", "VACUUM")]
    public void Summary_is_the_operation_and_the_first_table(string sql, string expected) =>
        Assert.Equal(expected, SqlQuerySummary.Of(sql));

    [Fact]
    public void Summary_never_carries_a_literal_or_a_parameter()
    {
        var summary = SqlQuerySummary.Of("SELECT * FROM accounts WHERE email = 'alice@example.com' AND id = $1");

        Assert.Equal("SELECT accounts", summary);
    }

    [Fact]
    public void Empty_statement_has_no_summary() => Assert.Null(SqlQuerySummary.Of("  -- nothing\n"));

    [Fact]
    public void Batch_summary_lists_each_distinct_statement_once()
    {
        var summary = ExplainSpanTags.Summary("SELECT * FROM a WHERE id = 1; SELECT * FROM a WHERE id = 2; UPDATE b SET x = 1");

        Assert.Equal("SELECT a; UPDATE b", summary);
    }
}
