using System.Text;
using QueryWatch.Sql;

namespace QueryWatch.Rewrites;

/// <summary>
/// Proposes RW004 (DESIGN.md, "Rewrite catalogue"; reasoning in docs/rewrites.md):
/// <c>q.x NOT IN (SELECT col FROM t [WHERE w])</c> becomes
/// <c>NOT EXISTS (SELECT 1 FROM t WHERE (w) AND q.x = col)</c>. The two differ only when
/// <c>q.x</c> or <c>col</c> can be NULL, which this class cannot know: it returns, for each
/// clause, the columns whose <c>NOT NULL</c> the verifier must prove from the catalog
/// (<see cref="NotInClause"/>). Works on the lexer's tokens; anything it does not understand
/// (a join or set operation in the subquery, an unqualified outer column, a CTE, an outer join
/// that could make the outer column NULL) it leaves alone. Never throws; linear in the input
/// but for the name lookups, which scan the statement once per clause.
/// </summary>
internal static class NotInRewriter
{
    /// <summary>
    /// The rewrite of <paramref name="sql"/> covering every qualifying <c>NOT IN (SELECT ...)</c>, or
    /// null when none qualifies, RW004 is disabled, or the statement is not one the rewriter understands.
    /// </summary>
    public static NotInRewrite? TryRewrite(string? sql, IReadOnlySet<string>? disabledRewriteIds = null)
    {
        if (string.IsNullOrEmpty(sql) || disabledRewriteIds?.Contains(RewriteIds.NotInToNotExists) == true)
        {
            return null;
        }

        var statement = StatementTokens.Read(sql);
        // A CTE's name would be looked up in the catalog as a table; RIGHT/FULL joins can make any column NULL.
        if (statement is null || statement.IsWord(0, "WITH") || HasWord(statement, "RIGHT") || HasWord(statement, "FULL"))
        {
            return null;
        }

        List<Edit>? edits = null;
        List<NotInClause>? clauses = null;
        for (var i = 0; i < statement.Count - 3; i++)
        {
            if (!statement.IsWord(i, "NOT") || !statement.IsWord(i + 1, "IN") || !statement.IsPunctuation(i + 2, '(')
                || !statement.IsWord(i + 3, "SELECT"))
            {
                continue;
            }

            if (Read(statement, i) is not { } clause)
            {
                continue;
            }

            (clauses ??= []).Add(clause.Clause);
            (edits ??= []).AddRange(clause.Edits);
            i = statement.Partner[i + 2]; // a NOT IN inside this one's subquery is left alone
        }

        if (edits is null || clauses is null)
        {
            return null;
        }

        var text = new StringBuilder(sql.Length + 32 * clauses.Count);
        var position = 0;
        edits.Sort((a, b) => a.Start.CompareTo(b.Start));
        foreach (var edit in edits)
        {
            text.Append(sql, position, edit.Start - position).Append(edit.Text);
            position = edit.End;
        }

        text.Append(sql, position, sql.Length - position);
        var rewrite = new SqlRewrite([RewriteIds.NotInToNotExists], sql, text.ToString(), [], null);
        return new NotInRewrite(rewrite, clauses);
    }

    private static (NotInClause Clause, Edit[] Edits)? Read(StatementTokens statement, int not)
    {
        var open = not + 2;
        var close = statement.Partner[open];
        var select = open + 1;

        // The outer operand: q.x, plain, bounded by something that binds more loosely than NOT IN.
        if (!ReadColumn(statement, not - 1, backwards: true, out var exprFirst, out var exprQualifier, out var exprColumn)
            || exprQualifier is null || !IsLeftBoundary(statement, exprFirst - 1) || !IsRightBoundary(statement, close + 1))
        {
            return null;
        }

        var level = SelectLevel.Read(statement, select);
        if (level.SelectCount != 1 || level.IsSetOperation || level.HasWindow || level.IsUnsure
            || level.Limit != SelectLevel.RowLimit.None || level.Offset != SelectLevel.RowOffset.None)
        {
            return null;
        }

        // SELECT [p.]col FROM [schema.]table [[AS] alias] [WHERE ...]
        if (!ReadColumn(statement, select + 1, backwards: false, out var colLast, out var colQualifier, out var innerColumn)
            || !statement.IsWord(colLast + 1, "FROM")
            || ReadTable(statement, colLast + 2) is not { } inner
            || !(statement.IsPunctuation(inner.Next, ')') || statement.IsWord(inner.Next, "WHERE")))
        {
            return null;
        }

        var where = statement.IsWord(inner.Next, "WHERE") ? inner.Next : -1;
        // Inside the subquery q.x must still mean the outer row's column; p.col must mean the subquery's.
        if (exprQualifier == inner.Binding || (colQualifier is not null && colQualifier != inner.Binding)
            || (where >= 0 && !WhereIsPlain(statement, where + 1, close)))
        {
            return null;
        }

        if (OuterTable(statement, exprQualifier, open, close) is not { } outerTable)
        {
            return null;
        }

        var sql = statement.Sql;
        var exprText = sql[statement.Tokens[exprFirst].Start..statement.Tokens[not - 1].End];
        var colText = sql[statement.Tokens[select + 1].Start..statement.Tokens[colLast].End];
        var lastInside = statement.Tokens[close - 1].End;
        var condition = exprText + " = " + colText;
        var edits = where >= 0
            ? new[]
            {
                new Edit(statement.Tokens[exprFirst].Start, statement.Tokens[open].Start, "NOT EXISTS "),
                new Edit(statement.Tokens[select + 1].Start, statement.Tokens[colLast].End, "1"),
                new Edit(statement.Tokens[where + 1].Start, statement.Tokens[where + 1].Start, "("),
                new Edit(lastInside, lastInside, ") AND " + condition),
            }
            : new[]
            {
                new Edit(statement.Tokens[exprFirst].Start, statement.Tokens[open].Start, "NOT EXISTS "),
                new Edit(statement.Tokens[select + 1].Start, statement.Tokens[colLast].End, "1"),
                new Edit(lastInside, lastInside, " WHERE " + condition),
            };
        var excludesNulls = where >= 0 && WhereExcludesNulls(statement, where + 1, close, colQualifier, innerColumn);
        return (new NotInClause(outerTable, exprColumn, inner.Table, innerColumn, excludesNulls), edits);
    }

    /// <summary>
    /// Reads <c>name</c> or <c>qualifier.name</c> starting (or, backwards, ending) at <paramref name="at"/>.
    /// <paramref name="other"/> is the index of its other end. Names are folded as PostgreSQL folds them.
    /// </summary>
    private static bool ReadColumn(StatementTokens statement, int at, bool backwards, out int other, out string? qualifier, out string column)
    {
        other = at;
        qualifier = null;
        column = "";
        if (Name(statement, at) is not { } first)
        {
            return false;
        }

        var dot = backwards ? at - 1 : at + 1;
        if (!statement.IsPunctuation(dot, '.'))
        {
            column = first;
            return true;
        }

        var second = backwards ? at - 2 : at + 2;
        if (Name(statement, second) is not { } name || statement.IsPunctuation(backwards ? second - 1 : second + 1, '.'))
        {
            return false;
        }

        other = second;
        (qualifier, column) = backwards ? (name, first) : (first, name);
        return true;
    }

    /// <summary><c>[schema.]table [[AS] alias]</c> at <paramref name="at"/>: the table as written, the name it binds, and the next token.</summary>
    private static (string Table, string Binding, int Next)? ReadTable(StatementTokens statement, int at)
    {
        if (Name(statement, at) is not { } first || statement.IsPunctuation(at + 1, '('))
        {
            return null;
        }

        var last = at;
        var binding = first;
        if (statement.IsPunctuation(at + 1, '.'))
        {
            if (Name(statement, at + 2) is not { } second || statement.IsPunctuation(at + 3, '.'))
            {
                return null;
            }

            (last, binding) = (at + 2, second);
        }

        var sql = statement.Sql;
        var table = sql[statement.Tokens[at].Start..statement.Tokens[last].End];
        var next = last + 1;
        if (statement.IsWord(next, "AS"))
        {
            if (Name(statement, next + 1) is not { } alias)
            {
                return null;
            }

            return (table, alias, next + 2);
        }

        // An alias without AS: an identifier, never a keyword (WHERE, JOIN, ON...).
        if (next < statement.Count && statement.Tokens[next].Kind is SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier)
        {
            return (table, Name(statement, next)!, next + 1);
        }

        return (table, binding, next);
    }

    /// <summary>
    /// The table the outer statement binds to <paramref name="qualifier"/> in a FROM or JOIN outside the
    /// subquery; null when none, more than one table, a derived table or function, or the nullable side of a LEFT JOIN.
    /// </summary>
    private static string? OuterTable(StatementTokens statement, string qualifier, int open, int close)
    {
        string? found = null;
        for (var i = 0; i < statement.Count; i++)
        {
            if (i == open)
            {
                i = close;
                continue;
            }

            var isJoin = statement.IsWord(i, "JOIN");
            if (!isJoin && !statement.IsWord(i, "FROM"))
            {
                continue;
            }

            var leftSide = isJoin && (statement.IsWord(i - 1, "LEFT") || (statement.IsWord(i - 1, "OUTER") && statement.IsWord(i - 2, "LEFT")));
            var at = i + 1;
            while (true)
            {
                if (statement.IsPunctuation(at, '('))
                {
                    // A derived table: unknown columns. Its alias follows the closing parenthesis.
                    var after = statement.Partner[at] + 1;
                    if (statement.IsWord(after, "AS")) after++;
                    if (Name(statement, after) == qualifier) return null;
                    break;
                }

                if (ReadTable(statement, at) is not { } item)
                {
                    // ONLY, LATERAL, a function...: the name may be bound there.
                    if (Name(statement, at) is not null || statement.IsWord(at, "ONLY") || statement.IsWord(at, "LATERAL"))
                    {
                        if (ContainsNameBefore(statement, at, qualifier)) return null;
                    }

                    break;
                }

                if (item.Binding == qualifier)
                {
                    if (leftSide || (found is not null && found != item.Table)) return null;
                    found = item.Table;
                }

                if (isJoin || !statement.IsPunctuation(item.Next, ',')) break;
                at = item.Next + 1;
            }
        }

        return found;
    }

    /// <summary>True when <paramref name="name"/> appears as a word within the FROM item at <paramref name="at"/> (up to its level's next comma, JOIN or clause).</summary>
    private static bool ContainsNameBefore(StatementTokens statement, int at, string name)
    {
        for (var i = at; !statement.IsLevelEnd(i) && !statement.IsPunctuation(i, ',') && !statement.IsWord(i, "JOIN") && !statement.IsWord(i, "WHERE"); i++)
        {
            if (statement.IsPunctuation(i, '('))
            {
                i = statement.Partner[i];
                continue;
            }

            if (Name(statement, i) == name) return true;
        }

        return false;
    }

    /// <summary>The subquery's WHERE holds no clause of its own level after it (GROUP BY, ORDER BY, ...).</summary>
    private static bool WhereIsPlain(StatementTokens statement, int first, int close)
    {
        if (first >= close)
        {
            return false;
        }

        for (var i = first; i < close; i++)
        {
            if (statement.IsPunctuation(i, '('))
            {
                i = statement.Partner[i];
                continue;
            }

            if (statement.IsWord(i, "GROUP") || statement.IsWord(i, "HAVING") || statement.IsWord(i, "ORDER")
                || statement.IsWord(i, "WINDOW") || statement.IsWord(i, "FOR"))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the WHERE's top level is an AND of conditions, one of which is <c>[p.]col IS NOT NULL</c>.</summary>
    private static bool WhereExcludesNulls(StatementTokens statement, int first, int close, string? qualifier, string column)
    {
        var found = false;
        for (var i = first; i < close; i++)
        {
            if (statement.IsPunctuation(i, '('))
            {
                i = statement.Partner[i];
                continue;
            }

            if (statement.IsWord(i, "OR"))
            {
                return false;
            }

            var conjunctStart = i == first || statement.IsWord(i - 1, "AND");
            if (conjunctStart && ReadColumn(statement, i, backwards: false, out var last, out var q, out var c)
                && c == column && (q is null || q == qualifier)
                && statement.IsWord(last + 1, "IS") && statement.IsWord(last + 2, "NOT") && statement.IsWord(last + 3, "NULL")
                && (last + 4 == close || statement.IsWord(last + 4, "AND")))
            {
                found = true;
            }
        }

        return found;
    }

    // Tokens after which an operand starts a new expression: NOT IN then binds all of q.x.
    private static bool IsLeftBoundary(StatementTokens statement, int i) =>
        statement.IsWord(i, "WHERE") || statement.IsWord(i, "AND") || statement.IsWord(i, "OR") || statement.IsWord(i, "ON")
        || statement.IsWord(i, "HAVING") || statement.IsWord(i, "SELECT") || statement.IsWord(i, "WHEN")
        || statement.IsWord(i, "THEN") || statement.IsWord(i, "ELSE") || statement.IsPunctuation(i, '(') || statement.IsPunctuation(i, ',');

    // Tokens before which the NOT IN expression ends, so NOT EXISTS (...) is read as the same operand.
    private static bool IsRightBoundary(StatementTokens statement, int i) =>
        statement.IsLevelEnd(i) || statement.IsPunctuation(i, ',') || statement.IsWord(i, "AND") || statement.IsWord(i, "OR")
        || statement.IsWord(i, "THEN") || statement.IsWord(i, "ELSE") || statement.IsWord(i, "END") || statement.IsWord(i, "WHEN")
        || statement.IsWord(i, "ORDER") || statement.IsWord(i, "GROUP") || statement.IsWord(i, "HAVING") || statement.IsWord(i, "LIMIT")
        || statement.IsWord(i, "OFFSET") || statement.IsWord(i, "FETCH") || statement.IsWord(i, "WINDOW") || statement.IsWord(i, "UNION")
        || statement.IsWord(i, "INTERSECT") || statement.IsWord(i, "EXCEPT") || statement.IsWord(i, "FROM") || statement.IsWord(i, "AS");

    /// <summary>An identifier as PostgreSQL folds it: unquoted lower-cased, quoted unescaped; null for anything else.</summary>
    private static string? Name(StatementTokens statement, int i)
    {
        if ((uint)i >= (uint)statement.Count)
        {
            return null;
        }

        var token = statement.Tokens[i];
        var text = token.Text(statement.Sql);
        switch (token.Kind)
        {
            case SqlTokenKind.Identifier:
                return text.ToString().ToLowerInvariant();
            case SqlTokenKind.Keyword when !IsReserved(text):
                return text.ToString().ToLowerInvariant();
            case SqlTokenKind.QuotedIdentifier when text.Length >= 2 && text[0] == '"':
                return text[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
            default:
                return null;
        }
    }

    private static bool IsReserved(ReadOnlySpan<char> word)
    {
        foreach (var reserved in s_reserved)
        {
            if (SqlKeywords.Is(word, reserved)) return true;
        }

        return false;
    }

    private static readonly string[] s_reserved =
    [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "AS", "ON", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "OUTER",
        "CROSS", "NATURAL", "LATERAL", "ONLY", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW", "UNION",
        "INTERSECT", "EXCEPT", "DISTINCT", "ALL", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "IS", "NULL", "USING",
        "WITH", "FOR", "TABLESAMPLE", "BY", "ANY", "SOME", "ARRAY", "TRUE", "FALSE",
    ];

    private static bool HasWord(StatementTokens statement, string word)
    {
        for (var i = 0; i < statement.Count; i++)
        {
            if (statement.IsWord(i, word)) return true;
        }

        return false;
    }

    private readonly record struct Edit(int Start, int End, string Text);
}

/// <summary>
/// What the catalog must prove for one rewritten <c>NOT IN</c>: the outer column is NOT NULL, and the
/// subquery's column is NOT NULL or excluded from NULL by the subquery's own WHERE.
/// </summary>
/// <param name="OuterTable">The outer column's table as written in the statement (<c>public."Orders"</c>), resolved with the session's search_path.</param>
/// <param name="OuterColumn">The outer column's name, folded as PostgreSQL folds it.</param>
/// <param name="InnerTable">The subquery's table as written.</param>
/// <param name="InnerColumn">The subquery's selected column, folded.</param>
/// <param name="InnerExcludesNulls">True when the subquery's WHERE has <c>col IS NOT NULL</c> as a top-level conjunct.</param>
internal sealed record NotInClause(string OuterTable, string OuterColumn, string InnerTable, string InnerColumn, bool InnerExcludesNulls);

/// <summary>An RW004 rewrite and, per rewritten clause, what its NULL-safety depends on.</summary>
internal sealed record NotInRewrite(SqlRewrite Rewrite, IReadOnlyList<NotInClause> Clauses);
