using System.Text;
using QueryWatch.Sql;

namespace QueryWatch.Rewrites;

/// <summary>
/// Proposes RW001–RW003 (DESIGN.md, "Rewrite catalogue"; reasoning in docs/rewrites.md): removes
/// a <c>DISTINCT</c> / <c>DISTINCT ON (...)</c> clause where it cannot change the answer. Works on
/// the lexer's tokens, so words inside comments, strings and quoted identifiers never count.
/// Anything it is not sure of, it leaves alone. Never throws; linear in the input.
/// </summary>
internal static class DistinctRewriter
{
    /// <summary>
    /// The rewrite of <paramref name="sql"/> covering every qualifying DISTINCT, or null when none
    /// qualifies or the statement is not one the rewriter understands (see <see cref="StatementTokens.Read"/>).
    /// </summary>
    /// <param name="sql">One statement, as the application sends it.</param>
    /// <param name="disabledRewriteIds">Catalogue ids (<c>"RW001"</c>...) never to propose.</param>
    public static SqlRewrite? TryRewrite(string? sql, IReadOnlySet<string>? disabledRewriteIds = null)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return null;
        }

        var statement = StatementTokens.Read(sql);
        if (statement is null)
        {
            return null;
        }

        List<SqlRemovedRange>? ranges = null;
        string? limitParameter = null;
        SelectLevel? top = null;
        for (var i = 0; i < statement.Count - 1; i++)
        {
            if (!statement.IsWord(i, "SELECT") || !statement.IsWord(i + 1, "DISTINCT"))
            {
                continue;
            }

            var rewriteId = Qualify(statement, i, ref top, out var parameter);
            if (rewriteId is null || disabledRewriteIds?.Contains(rewriteId) == true)
            {
                continue;
            }

            limitParameter ??= parameter;
            (ranges ??= []).Add(RemovedRange(statement, rewriteId, i + 1));
        }

        return ranges is null ? null : Build(sql, ranges, limitParameter);
    }

    /// <summary>
    /// Whether <paramref name="rewrite"/> holds for one execution: always, unless its LIMIT is a
    /// placeholder, in which case only when that placeholder's value is the integer 1.
    /// </summary>
    /// <param name="rewrite">A rewrite from <see cref="TryRewrite"/>.</param>
    /// <param name="parameterValue">
    /// The execution's value for a placeholder as written in the SQL (<c>@__p_0</c>, <c>$1</c>);
    /// null when there is none.
    /// </param>
    public static bool AppliesTo(SqlRewrite rewrite, Func<string, object?> parameterValue) =>
        rewrite.LimitParameterName is not { } name || IsOne(parameterValue(name));

    /// <summary>True when <paramref name="value"/> is an integer equal to 1: the only LIMIT value under which RW001 holds.</summary>
    public static bool IsOne(object? value) => value switch
    {
        int v => v == 1,
        long v => v == 1,
        short v => v == 1,
        byte v => v == 1,
        sbyte v => v == 1,
        ushort v => v == 1,
        uint v => v == 1,
        ulong v => v == 1,
        decimal v => v == 1m,
        _ => false,
    };

    /// <summary>The rewrite id under which the DISTINCT after the SELECT at <paramref name="select"/> may go, or null.</summary>
    private static string? Qualify(StatementTokens statement, int select, ref SelectLevel? top, out string? limitParameter)
    {
        limitParameter = null;
        if (!ReadClause(statement, select + 1, out _, out var isOn))
        {
            return null;
        }

        var open = statement.Parent[select];
        if (open < 0)
        {
            // The statement's own query: only its LIMIT decides (RW001). Read once: with a set
            // operation the top level holds several SELECT DISTINCTs.
            var level = top ??= SelectLevel.Read(statement, 0);
            limitParameter = level.LimitParameter;
            return level.AllowsLimitOneRewrite ? RewriteIds.DistinctLimitOne : null;
        }

        // A subquery: the SELECT must open the parentheses right after EXISTS or IN, so
        // EXISTS ((SELECT ...)) or IN ((SELECT ...)) — a scalar subquery in a list — is left alone.
        if (open + 1 != select || !SelectLevel.Read(statement, select).AllowsSubqueryRewrite)
        {
            return null;
        }

        var before = open - 1;
        if (statement.IsWord(before, "EXISTS") && !statement.IsPunctuation(before - 1, '.'))
        {
            return RewriteIds.DistinctInExists;
        }

        // DISTINCT ON keeps one row per group, not every distinct value, so a membership test
        // sees a different set without it. Under COLLATE the IN comparison may use another
        // collation than the DISTINCT did (a nondeterministic one folds 'A' and 'a').
        // position(a IN (SELECT ...)) takes a scalar subquery: DISTINCT may be what keeps it to one row.
        if (statement.IsWord(before, "IN") && !isOn && !statement.HasCollate
            && !statement.IsWord(statement.Parent[before] - 1, "POSITION"))
        {
            return RewriteIds.DistinctInMembership;
        }

        return null;
    }

    /// <summary>
    /// Reads <c>DISTINCT [ON (...)]</c> at <paramref name="distinct"/>; false when it is malformed
    /// or has no select list after it (removing it would turn a syntax error into a query).
    /// </summary>
    private static bool ReadClause(StatementTokens statement, int distinct, out int last, out bool isOn)
    {
        last = distinct;
        isOn = statement.IsWord(distinct + 1, "ON");
        if (isOn)
        {
            var open = distinct + 2;
            if (!statement.IsPunctuation(open, '(') || statement.Partner[open] == open + 1)
            {
                return false;
            }

            last = statement.Partner[open];
        }

        var next = last + 1;
        return !statement.IsLevelEnd(next) && !statement.IsPunctuation(next, ',') && !IsClauseKeyword(statement, next);
    }

    private static bool IsClauseKeyword(StatementTokens statement, int i) =>
        statement.IsWord(i, "FROM") || statement.IsWord(i, "WHERE") || statement.IsWord(i, "GROUP")
        || statement.IsWord(i, "HAVING") || statement.IsWord(i, "ORDER") || statement.IsWord(i, "LIMIT")
        || statement.IsWord(i, "OFFSET") || statement.IsWord(i, "FETCH") || statement.IsWord(i, "FOR")
        || statement.IsWord(i, "UNION") || statement.IsWord(i, "INTERSECT") || statement.IsWord(i, "EXCEPT")
        || statement.IsWord(i, "WINDOW") || statement.IsWord(i, "DISTINCT") || statement.IsWord(i, "ALL");

    /// <summary>
    /// The characters removed for the clause at <paramref name="distinct"/>: from the DISTINCT
    /// keyword to the end of the clause (its <c>ON (...)</c> group's closing parenthesis, comments
    /// in between included), plus the one whitespace token right after it. The trivia before
    /// DISTINCT stays, so SELECT stays separated from what follows.
    /// </summary>
    private static SqlRemovedRange RemovedRange(StatementTokens statement, string rewriteId, int distinct)
    {
        ReadClause(statement, distinct, out var last, out _);
        var start = statement.Tokens[distinct].Start;
        var end = statement.Tokens[last].End;
        if (end < statement.Sql.Length)
        {
            var after = SqlLexer.ReadToken(statement.Sql, end, classifyKeywords: false);
            if (after.Kind == SqlTokenKind.Whitespace)
            {
                end = after.End;
            }
        }

        return new SqlRemovedRange(rewriteId, start, end - start);
    }

    private static SqlRewrite Build(string sql, List<SqlRemovedRange> ranges, string? limitParameter)
    {
        var text = new StringBuilder(sql.Length);
        var ids = new List<string>(3);
        var position = 0;
        foreach (var range in ranges)
        {
            text.Append(sql, position, range.Start - position);
            position = range.End;
            if (!ids.Contains(range.RewriteId))
            {
                ids.Add(range.RewriteId);
            }
        }

        text.Append(sql, position, sql.Length - position);
        return new SqlRewrite(ids, sql, text.ToString(), ranges, limitParameter);
    }
}
