using QueryWatch.Sql;

namespace QueryWatch.Rewrites;

/// <summary>
/// The significant tokens of one read-only SELECT statement with their parenthesis structure:
/// for each token the open parenthesis that encloses it, for each parenthesis its partner.
/// <see cref="Read"/> returns null for anything the rewriter should not touch at all: more than
/// one statement, unbalanced parentheses or brackets, an unterminated string, quoted identifier
/// or comment, a character PostgreSQL's lexer rejects, a statement that is not a SELECT (or
/// WITH ... SELECT), one that writes (<c>INSERT</c>/<c>UPDATE</c>/<c>DELETE</c>/<c>MERGE</c>,
/// <c>SELECT ... INTO</c>) or one that locks rows (<c>FOR UPDATE/SHARE</c>).
/// Linear in the input, iterative, never throws.
/// </summary>
internal sealed class StatementTokens
{
    private StatementTokens(string sql, SqlToken[] tokens, int[] parent, int[] partner, bool hasCollate)
    {
        Sql = sql;
        Tokens = tokens;
        Parent = parent;
        Partner = partner;
        HasCollate = hasCollate;
    }

    /// <summary>The statement text.</summary>
    public string Sql { get; }

    /// <summary>The tokens that are not whitespace or comments, in order.</summary>
    public SqlToken[] Tokens { get; }

    /// <summary>For each token, the index of the innermost <c>(</c> enclosing it, or -1 at the top level.</summary>
    public int[] Parent { get; }

    /// <summary>For each <c>(</c> the index of its <c>)</c> and back; -1 for every other token.</summary>
    public int[] Partner { get; }

    /// <summary>True when the statement holds a <c>COLLATE</c> clause anywhere.</summary>
    public bool HasCollate { get; }

    /// <summary>Number of significant tokens.</summary>
    public int Count => Tokens.Length;

    /// <summary>Reads <paramref name="sql"/>; null when it is not a single, well-formed, read-only SELECT.</summary>
    public static StatementTokens? Read(string sql)
    {
        var tokens = new List<SqlToken>();
        var parents = new List<int>();
        var open = new Stack<int>();
        var brackets = 0;
        var sawSemicolon = false;
        var hasCollate = false;
        SqlToken last = default;
        var scan = SqlLexer.Scan(sql);
        while (scan.MoveNext())
        {
            var token = scan.Current;
            last = token;
            if (token.IsTrivia)
            {
                continue;
            }

            if (sawSemicolon || token.Kind == SqlTokenKind.Other)
            {
                return null;
            }

            var index = tokens.Count;
            tokens.Add(token);
            parents.Add(open.Count == 0 ? -1 : open.Peek());
            if (token.Kind == SqlTokenKind.Punctuation)
            {
                switch (sql[token.Start])
                {
                    case '(':
                        open.Push(index);
                        break;
                    case ')':
                        if (open.Count == 0)
                        {
                            return null;
                        }

                        // A closing parenthesis belongs to the level it closes, like its partner's contents.
                        parents[index] = open.Pop();
                        break;
                    case '[':
                        brackets++;
                        break;
                    case ']':
                        if (--brackets < 0)
                        {
                            return null;
                        }

                        break;
                    case ';':
                        if (open.Count > 0 || brackets > 0)
                        {
                            return null;
                        }

                        sawSemicolon = true;
                        break;
                }
            }
            else if (token.IsWord)
            {
                hasCollate |= SqlKeywords.Is(token.Text(sql), "COLLATE");
            }
        }

        if (open.Count > 0 || brackets != 0 || tokens.Count == 0 || !IsTerminated(sql, last))
        {
            return null;
        }

        // Writes (data-modifying CTEs, SELECT ... INTO) and row locks (FOR UPDATE/SHARE): the same
        // judgement the explain worker makes before ANALYZE.
        if (!SqlStatementClassifier.IsReadOnlySelect(sql, SqlStatementClassifier.Classify(sql)))
        {
            return null;
        }

        var result = new StatementTokens(sql, [.. tokens], [.. parents], Partners(sql, tokens, parents), hasCollate);
        return result.StartsAsQuery() ? result : null;
    }

    /// <summary>True when token <paramref name="index"/> exists and is the unquoted word <paramref name="keyword"/>.</summary>
    public bool IsWord(int index, string keyword) =>
        (uint)index < (uint)Tokens.Length && Tokens[index].IsWord && SqlKeywords.Is(Tokens[index].Text(Sql), keyword);

    /// <summary>True when token <paramref name="index"/> exists and is the punctuation <paramref name="c"/>.</summary>
    public bool IsPunctuation(int index, char c) =>
        (uint)index < (uint)Tokens.Length && Tokens[index].Kind == SqlTokenKind.Punctuation && Sql[Tokens[index].Start] == c;

    /// <summary>True when token <paramref name="index"/> ends its nesting level: past the end, <c>)</c> or <c>;</c>.</summary>
    public bool IsLevelEnd(int index) => index >= Tokens.Length || IsPunctuation(index, ')') || IsPunctuation(index, ';');

    private bool StartsAsQuery() => IsWord(0, "SELECT") || IsWord(0, "WITH") || IsPunctuation(0, '(');

    private static int[] Partners(string sql, List<SqlToken> tokens, List<int> parents)
    {
        var partner = new int[tokens.Count];
        Array.Fill(partner, -1);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == SqlTokenKind.Punctuation && sql[tokens[i].Start] == ')')
            {
                partner[i] = parents[i];
                partner[parents[i]] = i;
            }
        }

        return partner;
    }

    /// <summary>
    /// The lexer runs an unterminated string, quoted identifier or comment to the end of the
    /// input, so only the last token can be one; PostgreSQL would reject the statement.
    /// </summary>
    private static bool IsTerminated(string sql, SqlToken token)
    {
        var text = token.Text(sql);
        switch (token.Kind)
        {
            case SqlTokenKind.BlockComment:
                return BlockCommentCloses(text);
            case SqlTokenKind.QuotedIdentifier:
                return QuoteCloses(text, text.IndexOf('"') + 1, '"', backslashEscapes: false);
            case SqlTokenKind.String when text[0] == '$':
                var tagLength = text[1..].IndexOf('$') + 2;
                return tagLength >= 2 && text.Length >= 2 * tagLength && text.EndsWith(text[..tagLength], StringComparison.Ordinal);
            case SqlTokenKind.String:
                var quote = text.IndexOf('\'');
                return QuoteCloses(text, quote + 1, '\'', backslashEscapes: quote == 1 && text[0] is 'E' or 'e');
            default:
                return true;
        }
    }

    private static bool BlockCommentCloses(ReadOnlySpan<char> text)
    {
        var depth = 1;
        var i = 2;
        while (i < text.Length - 1)
        {
            if (text[i] == '*' && text[i + 1] == '/')
            {
                if (--depth == 0)
                {
                    return i + 2 == text.Length;
                }

                i += 2;
            }
            else if (text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else
            {
                i++;
            }
        }

        return false;
    }

    private static bool QuoteCloses(ReadOnlySpan<char> text, int i, char quote, bool backslashEscapes)
    {
        while (i < text.Length)
        {
            if (backslashEscapes && text[i] == '\\')
            {
                i += 2;
            }
            else if (text[i] == quote && i + 1 < text.Length && text[i + 1] == quote)
            {
                i += 2;
            }
            else if (text[i] == quote)
            {
                return i + 1 == text.Length;
            }
            else
            {
                i++;
            }
        }

        return false;
    }
}
