using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

public sealed class RuleTextTests
{
    [Theory]
    [InlineData("((process_id = 'ebc5'::uuid) AND (locked = 0))", "((process_id = '…'::uuid) AND (locked = …))")]
    [InlineData("((queue_name IS NULL) OR (SubPlan 1))", "((queue_name IS NULL) OR (SubPlan 1))")]
    [InlineData("(a.total > -12.5)", "(a.total > …)")]
    public void Constants_in_condition_text_are_kept_out_of_messages(string condition, string expected)
    {
        Assert.Equal(expected, RuleText.Redact(condition));
    }
}
