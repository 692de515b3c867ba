using QueryWatch.Sql;

namespace QueryWatch.Rewrites;

/// <summary>
/// What one nesting level of a statement (the top level, or the inside of one pair of
/// parentheses) says about the SELECT it holds: its row limit, its offset, and whether it is
/// part of a set operation or computes window functions. Tokens inside nested parentheses
/// belong to other levels and are skipped.
/// </summary>
internal readonly record struct SelectLevel(
    int SelectCount,
    bool IsSetOperation,
    bool HasWindow,
    bool IsUnsure,
    SelectLevel.RowLimit Limit,
    string? LimitParameter,
    SelectLevel.RowOffset Offset)
{
    /// <summary>The level's <c>LIMIT</c> or <c>FETCH FIRST</c>.</summary>
    internal enum RowLimit
    {
        /// <summary>None.</summary>
        None,

        /// <summary>The literal 1 (<c>FETCH FIRST ROW ONLY</c> included).</summary>
        One,

        /// <summary>A single placeholder: one row only when its value is 1.</summary>
        Parameter,

        /// <summary>Anything else (<c>LIMIT 2</c>, <c>LIMIT ALL</c>, an expression, <c>WITH TIES</c>).</summary>
        Other,
    }

    /// <summary>The level's <c>OFFSET</c>.</summary>
    internal enum RowOffset
    {
        /// <summary>None.</summary>
        None,

        /// <summary>The literal 0.</summary>
        Zero,

        /// <summary>Anything else, a placeholder included.</summary>
        Other,
    }

    /// <summary>
    /// Reads the level whose first token is <paramref name="first"/> up to its closing
    /// parenthesis (or the end of the statement).
    /// </summary>
    public static SelectLevel Read(StatementTokens statement, int first)
    {
        var selects = 0;
        var setOperation = false;
        var window = false;
        var unsure = false;
        var limit = RowLimit.None;
        string? parameter = null;
        var offset = RowOffset.None;

        var i = first;
        while (!statement.IsLevelEnd(i))
        {
            if (statement.IsPunctuation(i, '('))
            {
                i = statement.Partner[i] + 1;
                continue;
            }

            if (statement.IsWord(i, "SELECT"))
            {
                selects++;
            }
            else if (statement.IsWord(i, "UNION") || statement.IsWord(i, "INTERSECT") || statement.IsWord(i, "EXCEPT"))
            {
                setOperation = true;
            }
            else if (statement.IsWord(i, "OVER") || statement.IsWord(i, "WINDOW"))
            {
                window = true;
            }
            else if (statement.IsWord(i, "FOR"))
            {
                unsure = true;
            }
            else if (statement.IsWord(i, "LIMIT") || statement.IsWord(i, "FETCH"))
            {
                unsure |= limit != RowLimit.None;
                (limit, parameter, var next) = statement.IsWord(i, "LIMIT") ? ReadLimit(statement, i + 1) : ReadFetch(statement, i + 1);
                unsure |= !IsClauseBoundary(statement, next);
                i = next;
                continue;
            }
            else if (statement.IsWord(i, "OFFSET"))
            {
                unsure |= offset != RowOffset.None;
                (offset, var next) = ReadOffset(statement, i + 1);
                unsure |= !IsClauseBoundary(statement, next);
                i = next;
                continue;
            }

            i++;
        }

        return new SelectLevel(selects, setOperation, window, unsure, limit, parameter, offset);
    }

    /// <summary>True when the DISTINCT of this level's single SELECT may go under RW001.</summary>
    public bool AllowsLimitOneRewrite =>
        SelectCount == 1 && !IsSetOperation && !HasWindow && !IsUnsure
        && Limit is RowLimit.One or RowLimit.Parameter && Offset is RowOffset.None or RowOffset.Zero;

    /// <summary>True when the DISTINCT of this level's single SELECT may go under RW002/RW003.</summary>
    public bool AllowsSubqueryRewrite =>
        SelectCount == 1 && !IsSetOperation && !IsUnsure && Limit == RowLimit.None && Offset == RowOffset.None;

    // LIMIT { 1 | @p | ALL | expression }. Only a lone value counts; the caller checks what follows.
    private static (RowLimit, string?, int) ReadLimit(StatementTokens statement, int i)
    {
        if (IsNumber(statement, i, "1"))
        {
            return (RowLimit.One, null, i + 1);
        }

        return IsParameter(statement, i)
            ? (RowLimit.Parameter, statement.Tokens[i].Text(statement.Sql).ToString(), i + 1)
            : (RowLimit.Other, null, SkipToLevelEnd(statement, i));
    }

    // FETCH { FIRST | NEXT } [ 1 | @p ] { ROW | ROWS } ONLY; WITH TIES can return more than one row.
    private static (RowLimit, string?, int) ReadFetch(StatementTokens statement, int i)
    {
        if (!statement.IsWord(i, "FIRST") && !statement.IsWord(i, "NEXT"))
        {
            return (RowLimit.Other, null, SkipToLevelEnd(statement, i));
        }

        i++;
        var limit = RowLimit.One;
        string? parameter = null;
        if (IsNumber(statement, i, "1"))
        {
            i++;
        }
        else if (IsParameter(statement, i))
        {
            (limit, parameter) = (RowLimit.Parameter, statement.Tokens[i].Text(statement.Sql).ToString());
            i++;
        }

        if ((statement.IsWord(i, "ROW") || statement.IsWord(i, "ROWS")) && statement.IsWord(i + 1, "ONLY"))
        {
            return (limit, parameter, i + 2);
        }

        return (RowLimit.Other, null, SkipToLevelEnd(statement, i));
    }

    // OFFSET { 0 | anything } [ ROW | ROWS ].
    private static (RowOffset, int) ReadOffset(StatementTokens statement, int i)
    {
        if (!IsNumber(statement, i, "0"))
        {
            return (RowOffset.Other, SkipToLevelEnd(statement, i));
        }

        i++;
        if (statement.IsWord(i, "ROW") || statement.IsWord(i, "ROWS"))
        {
            i++;
        }

        return (RowOffset.Zero, i);
    }

    private static bool IsClauseBoundary(StatementTokens statement, int i) =>
        statement.IsLevelEnd(i) || statement.IsWord(i, "LIMIT") || statement.IsWord(i, "OFFSET")
        || statement.IsWord(i, "FETCH") || statement.IsWord(i, "FOR");

    private static int SkipToLevelEnd(StatementTokens statement, int i)
    {
        while (!statement.IsLevelEnd(i))
        {
            i = statement.IsPunctuation(i, '(') ? statement.Partner[i] + 1 : i + 1;
        }

        return i;
    }

    private static bool IsParameter(StatementTokens statement, int i) =>
        i < statement.Count && statement.Tokens[i].Kind == SqlTokenKind.Parameter;

    // Plain decimal digits only: 1, 01, 0001 (not 1.0, 0x1, 1e0, 1_0).
    private static bool IsNumber(StatementTokens statement, int i, string value)
    {
        if (i >= statement.Count || statement.Tokens[i].Kind != SqlTokenKind.Number)
        {
            return false;
        }

        var text = statement.Tokens[i].Text(statement.Sql);
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var trimmed = text.TrimStart('0');
        return trimmed.SequenceEqual(value == "0" ? "" : value);
    }
}
