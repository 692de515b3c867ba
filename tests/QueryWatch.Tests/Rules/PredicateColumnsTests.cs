using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

public sealed class PredicateColumnsTests
{
    [Theory]
    [InlineData("((process_id = '...'::uuid) AND ((state)::text = 'error'::text))", "process_id=,state=")]
    [InlineData("((attempts < max_attempts) AND ((locked_at IS NULL) OR (locked_at < (now() - '04:00:00'::interval))))", "attempts<,locked_at=")]
    [InlineData("(ci_pipelines.locked = 0)", "locked=")]
    [InlineData("(expire_at < '2022-09-03 14:08:04.68242+00'::timestamp with time zone)", "expire_at<")]
    [InlineData("(state = ANY ('{queued,errored}'::text[]))", "state=")]
    [InlineData("(queue_name = jobs.queue_name)", "queue_name=")]
    [InlineData("(lower(email) = 'a'::text)", "")]
    [InlineData("('it''s = x'::text = name)", "")]
    public void Columns_and_their_comparison_kind_are_read_from_condition_text(string condition, string expected)
    {
        var columns = PredicateColumns.Read(condition).Select(c => c.Name + (c.IsEquality ? "=" : "<"));

        Assert.Equal(expected, string.Join(",", columns));
    }

    [Fact]
    public void Top_level_and_terms_are_split_without_breaking_nested_ors()
    {
        var terms = PredicateColumns.Conjuncts("((a = 1) AND ((b IS NULL) OR (b < 2)) AND (c = 'x AND y'::text))");

        Assert.Equal(["(a = 1)", "((b IS NULL) OR (b < 2))", "(c = 'x AND y'::text)"], terms);
    }
}
