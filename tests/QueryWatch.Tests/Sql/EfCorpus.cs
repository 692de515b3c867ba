using QueryWatch.Sql;

namespace QueryWatch.Tests.Sql;

/// <summary>The EF-shaped statements of Fixtures/sql/ef-statements.sql, and ways to vary them without changing their shape.</summary>
internal static class EfCorpus
{
    public static IReadOnlyList<string> Statements { get; } = [.. SqlStatementSplitter
        .Split(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sql", "ef-statements.sql")))
        .Select(s => s.Text)];

    /// <summary>Same tokens, other whitespace, comments and letter case of unquoted words.</summary>
    public static string Respace(string sql, Random random)
    {
        string[] gaps = [" ", "  ", "\n", "\n    ", "\t", " /* note; 'x' */ ", " -- line\n", "\r\n"];
        var builder = new System.Text.StringBuilder();
        foreach (var token in Significant(sql))
        {
            if (builder.Length > 0)
            {
                builder.Append(gaps[random.Next(gaps.Length)]);
            }

            var text = sql.Substring(token.Start, token.Length);
            builder.Append(token.IsWord && random.Next(2) == 0 ? text.ToUpperInvariant() : text);
        }

        return builder.ToString();
    }

    /// <summary>Other literal values: numbers, strings and boolean constants replaced.</summary>
    public static string ChangeLiterals(string sql, Random random)
    {
        var builder = new System.Text.StringBuilder();
        var position = 0;
        foreach (var token in SqlLexer.Tokenize(sql))
        {
            builder.Append(sql, position, token.Start - position);
            position = token.End;
            var text = sql.Substring(token.Start, token.Length);
            builder.Append(token.Kind switch
            {
                SqlTokenKind.Number => random.Next(0, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                SqlTokenKind.String => random.Next(2) == 0 ? "'changed'" : "E'ch\\'anged'",
                _ when token.IsWord && text.Equals("TRUE", StringComparison.OrdinalIgnoreCase) => "false",
                _ => text,
            });
        }

        return builder.ToString();
    }

    /// <summary>Every <c>IN (...)</c> / <c>ARRAY[...]</c> list of single-token constants given <paramref name="length"/> elements.</summary>
    public static string ResizeLists(string sql, int length)
    {
        var tokens = Significant(sql);
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < tokens.Length; i++)
        {
            builder.Append(' ').Append(sql, tokens[i].Start, tokens[i].Length);
            var opens = i + 1 < tokens.Length && tokens[i].IsWord && (Is(sql, tokens[i], "IN") && Is(sql, tokens[i + 1], "(") || Is(sql, tokens[i], "ARRAY") && Is(sql, tokens[i + 1], "["));
            if (!opens)
            {
                continue;
            }

            var close = Is(sql, tokens[i + 1], "(") ? ")" : "]";
            var j = i + 2;
            while (j + 1 < tokens.Length && IsConstant(tokens[j]) && (Is(sql, tokens[j + 1], ",") || Is(sql, tokens[j + 1], close)))
            {
                if (Is(sql, tokens[j + 1], close))
                {
                    var element = sql.Substring(tokens[i + 2].Start, tokens[i + 2].Length);
                    builder.Append(' ').Append(sql, tokens[i + 1].Start, 1).Append(string.Join(", ", Enumerable.Repeat(element, length))).Append(close);
                    i = j + 1;
                    break;
                }

                j += 2;
            }
        }

        return builder.ToString();
    }

    private static bool IsConstant(SqlToken token) => token.Kind is SqlTokenKind.Number or SqlTokenKind.String or SqlTokenKind.Parameter;

    private static bool Is(string sql, SqlToken token, string text) => sql.AsSpan(token.Start, token.Length).Equals(text, StringComparison.OrdinalIgnoreCase);

    private static SqlToken[] Significant(string sql) => [.. SqlLexer.Tokenize(sql).Where(t => !t.IsTrivia)];
}
