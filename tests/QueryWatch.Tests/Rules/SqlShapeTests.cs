using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

public sealed class SqlShapeTests
{
    [Theory]
    [InlineData("SELECT DISTINCT ON (element_id) 1 AS a FROM t WHERE p = $1 LIMIT 1", true)]
    [InlineData("select distinct a from t limit 1 offset 5", false)]
    [InlineData("SELECT a FROM t WHERE b = 'SELECT DISTINCT x LIMIT 1'", false)]
    [InlineData("SELECT /* SELECT DISTINCT */ a FROM t LIMIT 1", false)]
    [InlineData("SELECT DISTINCT a FROM t LIMIT 10", false)]
    public void Distinct_under_limit_one_is_read_outside_literals_and_comments(string sql, bool expected)
    {
        Assert.Equal(expected, SqlShape.Of(sql).DistinctUnderLimitOne);
    }

    [Fact]
    public void Not_in_and_or_exists_are_recognised()
    {
        Assert.True(SqlShape.Of("select id from p where id not in (select pid from t)").NotInSubquery);
        Assert.True(SqlShape.Of("select 1 from j where j.q is null or exists (select 1 from q)").OrExists);
        Assert.True(SqlShape.Of("select 1 from j where exists (select 1 from q where (a)) or j.q is null").OrExists);
        Assert.False(SqlShape.Of("select 1 from j where exists (select 1 from q) and j.q is null").OrExists);
        Assert.False(SqlShape.Of(null).HasSql);
    }
}
