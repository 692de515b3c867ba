namespace QueryWatch.Sql;

/// <summary>
/// Cuts a script into statements at top-level semicolons — not inside strings, quoted
/// identifiers, dollar quotes, comments, parentheses or brackets, nor inside the
/// <c>BEGIN ATOMIC ... END</c> body of a <c>CREATE FUNCTION/PROCEDURE</c> (tracked as psql does,
/// counting <c>CASE ... END</c> inside). Statements holding only whitespace and comments are
/// dropped. Never throws; linear.
/// </summary>
internal static class SqlStatementSplitter
{
    /// <summary>The statements of <paramref name="sql"/>, in order; none for null.</summary>
    public static IReadOnlyList<SqlStatement> Split(string? sql)
    {
        var statements = new List<SqlStatement>();
        if (string.IsNullOrEmpty(sql))
        {
            return statements;
        }

        var tokens = SqlLexer.Scan(sql, classifyKeywords: false);
        var start = -1;
        var end = -1;
        var significant = 0;
        var depth = 0;
        var isCreate = false;
        var inAtomicBody = false;
        var caseDepth = 0;
        var previousWasBegin = false;

        while (tokens.MoveNext())
        {
            var token = tokens.Current;
            if (token.Kind == SqlTokenKind.Whitespace)
            {
                continue;
            }

            if (token.Kind == SqlTokenKind.Punctuation && sql[token.Start] == ';' && depth == 0 && !inAtomicBody)
            {
                Add(statements, sql, start, end, significant);
                (start, end, significant, isCreate, caseDepth, previousWasBegin) = (-1, -1, 0, false, 0, false);
                continue;
            }

            if (start < 0)
            {
                start = token.Start;
            }

            end = token.End;
            if (token.IsTrivia)
            {
                continue;
            }

            significant++;
            if (token.Kind == SqlTokenKind.Punctuation)
            {
                var c = sql[token.Start];
                if (c is '(' or '[')
                {
                    depth++;
                }
                else if (c is ')' or ']' && depth > 0)
                {
                    depth--;
                }
            }
            else if (token.IsWord)
            {
                var word = token.Text(sql);
                if (significant == 1)
                {
                    isCreate = SqlKeywords.Is(word, "CREATE");
                }
                else if (isCreate && !inAtomicBody && previousWasBegin && SqlKeywords.Is(word, "ATOMIC"))
                {
                    inAtomicBody = true;
                    caseDepth = 0;
                }
                else if (inAtomicBody && SqlKeywords.Is(word, "CASE"))
                {
                    caseDepth++;
                }
                else if (inAtomicBody && SqlKeywords.Is(word, "END"))
                {
                    if (caseDepth > 0)
                    {
                        caseDepth--;
                    }
                    else
                    {
                        inAtomicBody = false;
                    }
                }

                previousWasBegin = SqlKeywords.Is(word, "BEGIN");
                continue;
            }

            previousWasBegin = false;
        }

        Add(statements, sql, start, end, significant);
        return statements;
    }

    private static void Add(List<SqlStatement> statements, string sql, int start, int end, int significant)
    {
        if (significant == 0)
        {
            return;
        }

        var text = sql[start..end];
        statements.Add(new SqlStatement(text, start, end - start, SqlStatementClassifier.Classify(text)));
    }
}
