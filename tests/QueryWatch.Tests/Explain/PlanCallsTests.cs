using QueryWatch.Explain;

using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class PlanCallsTests
{
    private static PlanCallSet Scan(string expression)
    {
        var set = new PlanCallSet();
        PlanCalls.Scan(expression, set);
        return set;
    }

    private static string[] Names(PlanCallSet calls)
        => [.. calls.Functions.Select(f => f.Schema.Length > 0 ? f.Schema + "." + f.Name : f.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Function_calls_in_a_verbose_plan_are_collected_with_their_schema()
    {
        var calls = PlanCalls.Collect("""
            [{"Plan": {"Node Type": "Result", "Output": ["pg_advisory_lock('1'::bigint)", "public.bump(t.a)"],
              "Plans": [{"Node Type": "Function Scan", "Function Name": "generate_series", "Schema": "pg_catalog",
                         "Function Call": "generate_series(1, 3)", "Filter": "(\"Mixed\"(g.a) > 0)"}]}}]
            """);

        Assert.Equal(["Mixed", "generate_series", "pg_advisory_lock", "public.bump"], Names(calls));
    }

    [Fact]
    public void Sql_syntax_that_looks_like_a_call_is_not_a_function()
    {
        var calls = Scan("COALESCE(b, 'x'::text), (t.a = ANY ('{1,2}'::integer[])), count(*) FILTER (WHERE (g.a > 1)) OVER (?), EXISTS(SubPlan 1)");

        Assert.Equal([("", "count")], calls.Functions);
    }

    [Fact]
    public void Type_modifiers_after_a_cast_are_not_function_calls()
    {
        var calls = Scan("((COALESCE(b, 'x'::text))::character varying(20)), ((a)::numeric(10,2)), ((now())::timestamp(3) with time zone), lower(b)");

        Assert.Equal(["lower", "now"], Names(calls));
    }

    [Fact]
    public void A_word_inside_a_string_literal_is_not_a_call()
    {
        Assert.Empty(Scan("(t.b = 'pg_advisory_lock(1)'::text)").Functions);
    }

    [Fact]
    public void Operators_are_collected_by_name()
    {
        var calls = Scan("((t.b ~~ 'x%'::text) AND (t.a <> 3) AND (t.a OPERATOR(public.##) 4))");

        Assert.Equal(["##", "<>", "~~"], calls.Operators.Order(StringComparer.Ordinal));
    }
}
