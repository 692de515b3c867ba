using System.Text;

namespace QueryWatch.Sql;

/// <summary>
/// OpenTelemetry's <c>db.query.summary</c>: the statement's operation and the first table it reads or writes
/// (<c>SELECT orders</c>, <c>UPDATE public.jobs</c>). Low cardinality by construction: a keyword and a name
/// from the schema, never a literal, a parameter or the rest of the text.
/// See https://opentelemetry.io/docs/specs/semconv/database/database-spans/#generating-a-summary-of-the-query
/// </summary>
internal static class SqlQuerySummary
{
    private const int MaxNameLength = 63; // PostgreSQL's NAMEDATALEN - 1: no real table name is longer.

    /// <summary>The summary of one statement, or null for an empty one.</summary>
    public static string? Of(string statement)
    {
        var kind = SqlStatementClassifier.Classify(statement);
        var operation = kind switch
        {
            SqlStatementKind.Empty => null,
            SqlStatementKind.Select => "SELECT",
            SqlStatementKind.Insert => "INSERT",
            SqlStatementKind.Update => "UPDATE",
            SqlStatementKind.Delete => "DELETE",
            SqlStatementKind.Merge => "MERGE",
            SqlStatementKind.Values => "VALUES",
            SqlStatementKind.Table => "TABLE",
            _ => FirstKeyword(statement),
        };
        if (operation is null) return null;
        var target = Target(statement, kind);
        return target is null ? operation : operation + " " + target;
    }

    /// <summary>The first word of a utility or DDL statement (<c>VACUUM</c>, <c>CREATE</c>), upper-cased.</summary>
    private static string? FirstKeyword(string statement)
    {
        var tokens = SqlLexer.Scan(statement);
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            return token.IsWord && token.Length <= MaxNameLength ? token.Text(statement).ToString().ToUpperInvariant() : null;
        }
        return null;
    }

    /// <summary>
    /// The table named right after the operation's own keyword at the statement's top level: FROM or JOIN for a
    /// SELECT or DELETE, INTO for INSERT and MERGE, UPDATE and TABLE themselves. A CTE's name counts when the main
    /// statement reads it; a subquery in FROM is passed over for the next top-level FROM or JOIN.
    /// </summary>
    private static string? Target(string statement, SqlStatementKind kind)
    {
        var depth = 0;
        var expectName = false;
        var tokens = SqlLexer.Scan(statement);
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            var text = token.Text(statement);
            if (token.Kind == SqlTokenKind.Punctuation && text is "(")
            {
                depth++;
                expectName = false;
                continue;
            }
            if (token.Kind == SqlTokenKind.Punctuation && text is ")")
            {
                depth--;
                continue;
            }
            if (depth != 0) continue;

            if (expectName)
            {
                if (token.IsWord && (text.Equals("ONLY", StringComparison.OrdinalIgnoreCase) || text.Equals("LATERAL", StringComparison.OrdinalIgnoreCase)))
                    continue;
                if (token.IsWord || token.Kind == SqlTokenKind.QuotedIdentifier) return QualifiedName(statement, tokens);
                expectName = false;
                continue;
            }

            if (!token.IsWord) continue;
            expectName = kind switch
            {
                SqlStatementKind.Insert or SqlStatementKind.Merge => text.Equals("INTO", StringComparison.OrdinalIgnoreCase),
                SqlStatementKind.Update => text.Equals("UPDATE", StringComparison.OrdinalIgnoreCase),
                SqlStatementKind.Table => text.Equals("TABLE", StringComparison.OrdinalIgnoreCase),
                SqlStatementKind.Select or SqlStatementKind.Delete => text.Equals("FROM", StringComparison.OrdinalIgnoreCase)
                    || text.Equals("JOIN", StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
        }
        return null;
    }

    /// <summary><c>schema.table</c> from the current token on, quotes removed; null when it would be implausibly long.</summary>
    private static string? QualifiedName(string statement, SqlTokenizer tokens)
    {
        var name = new StringBuilder();
        while (true)
        {
            var token = tokens.Current;
            var text = token.Text(statement);
            if (token.Kind == SqlTokenKind.QuotedIdentifier) name.Append(text.Trim('"'));
            else name.Append(text);
            var ahead = tokens;
            if (!ahead.MoveNextSignificant() || ahead.Current.Kind != SqlTokenKind.Punctuation || ahead.Current.Text(statement) is not ".") break;
            if (!ahead.MoveNextSignificant() || !(ahead.Current.IsWord || ahead.Current.Kind == SqlTokenKind.QuotedIdentifier)) break;
            name.Append('.');
            tokens = ahead;
        }
        return name.Length is > 0 and <= MaxNameLength * 2 + 1 ? name.ToString() : null;
    }
}
