using CsCheck;
using QueryWatch.Rewrites;
using Xunit;

namespace QueryWatch.Tests.Rewrites;

/// <summary>
/// Generated statements around one NOT IN: text before and after it (trivia, literals, parameters,
/// other predicates) must come out byte for byte, and a guard that fails means no proposal.
/// </summary>
public sealed class NotInRewriterPropertyTests
{
    private static readonly string[] Before =
    [
        "SELECT p.id FROM p WHERE", "SELECT p.id, @p0 AS x FROM p WHERE p.a = $1 AND", "select /* NOT IN (SELECT */ p.id from p where 'NOT IN' <> p.b or",
        "SELECT \"p\".\"Id\" FROM public.\"P\" AS \"p\" WHERE", "SELECT p.id FROM p\n-- ( NOT IN\nWHERE (",
    ];

    private static readonly string[] After = ["", " AND p.a > @p1", " ORDER BY p.id", " OR p.b = 'x'' NOT IN (SELECT'", ")"];

    private static readonly string[] Wheres = ["", " WHERE t.s = @p2", " WHERE t.s = 1 OR t.r IS NULL", " WHERE t.p_id IS NOT NULL", " WHERE t.s IN (SELECT 1)"];

    /// <summary>A guard each, breaking the clause; null for none.</summary>
    private static readonly string?[] Breakers =
    [
        null, null, null, " LIMIT 5", " GROUP BY t.p_id", " UNION SELECT 1", " OFFSET 2", " ORDER BY 1", " JOIN u ON true",
    ];

    private static readonly Gen<(int Before, int After, int Where, int Breaker, int Space, bool Quoted)> Shapes =
        Gen.Select(Gen.Int[0, Before.Length - 1], Gen.Int[0, After.Length - 1], Gen.Int[0, Wheres.Length - 1],
            Gen.Int[0, Breakers.Length - 1], Gen.Int[0, 2], Gen.Bool);

    [Fact]
    public void Nothing_outside_the_not_in_clause_changes_and_a_failed_guard_means_no_proposal() =>
        Shapes.Sample(shape =>
        {
            var before = Before[shape.Before];
            var after = After[shape.After];
            if (after == ")" != before.EndsWith('(')) after = before.EndsWith('(') ? ")" : "";
            var outer = before.Contains("\"p\"", StringComparison.Ordinal) ? "\"p\".\"Id\"" : "p.id";
            var space = shape.Space switch { 0 => " ", 1 => "\n  ", _ => " /* c */ " };
            var column = shape.Quoted ? "t.\"p_id\"" : "t.p_id";
            var breaker = Breakers[shape.Breaker];
            var where = Wheres[shape.Where];
            if (breaker == " JOIN u ON true") where = ""; // a join goes before WHERE
            var clause = outer + " NOT IN (" + space + "SELECT " + column + " FROM t" + (breaker == " JOIN u ON true" ? breaker : "") + where
                + (breaker is not null && breaker != " JOIN u ON true" ? breaker : "") + ")";
            var sql = before + " " + clause + after;

            var rewrite = NotInRewriter.TryRewrite(sql);

            if (breaker is not null) return rewrite is null;
            if (rewrite is null) return false;
            var text = rewrite.Rewrite.RewrittenSql;
            var prefix = before + " ";
            return text.StartsWith(prefix + "NOT EXISTS (" + space + "SELECT 1 FROM t", StringComparison.Ordinal)
                && text.EndsWith(after, StringComparison.Ordinal)
                && text.Contains(outer + " = " + column + ")", StringComparison.Ordinal)
                && rewrite.Clauses.Count == 1
                && rewrite.Clauses[0].InnerExcludesNulls == (where == " WHERE t.p_id IS NOT NULL");
        }, iter: 5_000);

    [Fact]
    public void Arbitrary_text_never_throws() =>
        Gen.OneOf(Gen.OneOf<string>("SELECT", "p.id", "t.a", "NOT", "IN", "(", ")", "FROM", "t", "WHERE", "AND", "\"q\"", ".", ",", "'", "--", "/*", "*/", "LEFT", "JOIN", "AS", "x", "IS", "NULL")
                .Array[0, 40].Select(parts => string.Join(" ", parts)), Gen.String)
            .Sample(sql => { NotInRewriter.TryRewrite(sql); }, iter: 20_000);
}
