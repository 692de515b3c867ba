namespace QueryWatch.Sql;

/// <summary>Tells what a single statement does from its words. Never throws; linear.</summary>
internal static class SqlStatementClassifier
{
    /// <summary>The kind of <paramref name="statement"/>, read from its leading keyword (the main one after a <c>WITH</c> list).</summary>
    public static SqlStatementKind Classify(ReadOnlySpan<char> statement)
    {
        var tokens = SqlLexer.Scan(statement, classifyKeywords: false);

        // "(SELECT ...) UNION (SELECT ...)" starts with parentheses.
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            if (token.Kind == SqlTokenKind.Punctuation && statement[token.Start] == '(')
            {
                continue;
            }

            if (!token.IsWord)
            {
                return SqlStatementKind.Other;
            }

            var word = token.Text(statement);
            return SqlKeywords.Is(word, "WITH") ? ClassifyAfterWith(ref tokens) : ClassifyLeadingWord(word);
        }

        return SqlStatementKind.Empty;
    }

    /// <summary>See <see cref="SqlStatement.IsReadOnlySelect"/>.</summary>
    public static bool IsReadOnlySelect(ReadOnlySpan<char> statement, SqlStatementKind kind)
    {
        if (kind is not (SqlStatementKind.Select or SqlStatementKind.Values or SqlStatementKind.Table))
        {
            return false;
        }

        var tokens = SqlLexer.Scan(statement, classifyKeywords: false);
        var afterSemicolon = false;
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            if (afterSemicolon)
            {
                // A second statement rides along: judge nothing, refuse.
                return false;
            }

            if (token.Kind == SqlTokenKind.Punctuation && statement[token.Start] == ';')
            {
                afterSemicolon = true;
                continue;
            }

            // Data-modifying CTEs, locking clauses (FOR [NO KEY] UPDATE, FOR [KEY] SHARE) and
            // SELECT ... INTO all need one of these words; a column that happens to be called
            // "update" unquoted costs only a missed ANALYZE, the safe side.
            if (token.IsWord && IsWritingWord(token.Text(statement)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWritingWord(ReadOnlySpan<char> word) => word.Length switch
    {
        4 => SqlKeywords.Is(word, "INTO"),
        5 => SqlKeywords.Is(word, "MERGE") || SqlKeywords.Is(word, "SHARE"),
        6 => SqlKeywords.Is(word, "INSERT") || SqlKeywords.Is(word, "UPDATE") || SqlKeywords.Is(word, "DELETE"),
        _ => false,
    };

    private static SqlStatementKind ClassifyAfterWith(ref SqlTokenizer tokens)
    {
        // The main statement is the first statement keyword outside the CTE bodies' parentheses.
        var source = tokens.Source;
        var depth = 0;
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            if (token.Kind == SqlTokenKind.Punctuation)
            {
                var c = source[token.Start];
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                continue;
            }

            if (depth <= 0 && token.IsWord)
            {
                var kind = ClassifyLeadingWord(token.Text(source));
                if (kind is SqlStatementKind.Select or SqlStatementKind.Insert or SqlStatementKind.Update
                    or SqlStatementKind.Delete or SqlStatementKind.Merge or SqlStatementKind.Values or SqlStatementKind.Table)
                {
                    return kind;
                }
            }
        }

        return SqlStatementKind.Other;
    }

    private static SqlStatementKind ClassifyLeadingWord(ReadOnlySpan<char> word)
    {
        Span<char> upper = stackalloc char[16];
        if (word.Length > upper.Length)
        {
            return SqlStatementKind.Other;
        }

        upper = upper[..word.ToUpperInvariant(upper)];
        return upper switch
        {
            "SELECT" => SqlStatementKind.Select,
            "INSERT" => SqlStatementKind.Insert,
            "UPDATE" => SqlStatementKind.Update,
            "DELETE" => SqlStatementKind.Delete,
            "MERGE" => SqlStatementKind.Merge,
            "VALUES" => SqlStatementKind.Values,
            "TABLE" => SqlStatementKind.Table,
            "EXPLAIN" => SqlStatementKind.Explain,
            "CREATE" or "ALTER" or "DROP" or "TRUNCATE" or "COMMENT" or "GRANT" or "REVOKE" or "SECURITY"
                or "IMPORT" or "REASSIGN" => SqlStatementKind.Ddl,
            "SET" or "RESET" or "SHOW" or "COPY" or "VACUUM" or "ANALYZE" or "ANALYSE" or "BEGIN" or "START"
                or "COMMIT" or "END" or "ROLLBACK" or "ABORT" or "SAVEPOINT" or "RELEASE" or "PREPARE"
                or "EXECUTE" or "DEALLOCATE" or "CALL" or "DO" or "LOCK" or "LISTEN" or "NOTIFY" or "UNLISTEN"
                or "DISCARD" or "CHECKPOINT" or "REINDEX" or "CLUSTER" or "REFRESH" or "FETCH" or "MOVE"
                or "CLOSE" or "DECLARE" or "LOAD" => SqlStatementKind.Utility,
            _ => SqlStatementKind.Other,
        };
    }
}
