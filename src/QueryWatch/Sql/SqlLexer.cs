using System.Buffers;
using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// PostgreSQL's lexical rules (scan.l) over a span, one token at a time. Tokens cover the input
/// exactly: concatenated they give it back. It never throws and never backtracks: an
/// unterminated string, quoted identifier, comment or dollar quote runs to the end of the input.
/// Assumes <c>standard_conforming_strings = on</c> (the default since PostgreSQL 9.1).
/// </summary>
internal static class SqlLexer
{
    // scan.l: op_chars. A run of these is one operator, cut as ReadOperator explains.
    private static readonly SearchValues<char> OperatorChars = SearchValues.Create("+-*/<>=~!@#%^&|`?");

    // scan.l: an operator may end in + or - only if it holds one of these.
    private const string OperatorKeepTrailingSign = "~!@#%^&|`?";

    /// <summary>Every token of <paramref name="sql"/>, keywords classified; none for null.</summary>
    public static IEnumerable<SqlToken> Tokenize(string? sql) => TokenizeIterator(sql ?? "");

    /// <summary>An allocation-free enumerator over the tokens of <paramref name="sql"/>.</summary>
    /// <param name="sql">The text.</param>
    /// <param name="classifyKeywords">False reports every unquoted word as <see cref="SqlTokenKind.Identifier"/>, skipping the keyword lookup.</param>
    public static SqlTokenizer Scan(ReadOnlySpan<char> sql, bool classifyKeywords = true) => new(sql, classifyKeywords);

    private static IEnumerable<SqlToken> TokenizeIterator(string sql)
    {
        var position = 0;
        while (position < sql.Length)
        {
            var token = ReadToken(sql, position, classifyKeywords: true);
            position = token.End;
            yield return token;
        }
    }

    /// <summary>Reads the token starting at <paramref name="start"/> (which must be inside <paramref name="sql"/>).</summary>
    internal static SqlToken ReadToken(ReadOnlySpan<char> sql, int start, bool classifyKeywords)
    {
        var c = sql[start];
        var next = Peek(sql, start + 1);
        switch (c)
        {
            case ' ' or '\t' or '\n' or '\r' or '\f' or '\v':
                return Token(SqlTokenKind.Whitespace, start, SkipWhitespace(sql, start));
            case '-' when next == '-':
                return Token(SqlTokenKind.LineComment, start, SkipLineComment(sql, start));
            case '/' when next == '*':
                return Token(SqlTokenKind.BlockComment, start, SkipBlockComment(sql, start));
            case '\'':
                return Token(SqlTokenKind.String, start, SkipQuoted(sql, start + 1, '\'', backslashEscapes: false));
            case '"':
                return Token(SqlTokenKind.QuotedIdentifier, start, SkipQuoted(sql, start + 1, '"', backslashEscapes: false));
            case '$':
                return ReadDollar(sql, start);
            case '@' when IsIdentifierStart(next):
                return Token(SqlTokenKind.Parameter, start, SkipIdentifier(sql, start + 1));
            case ':':
                return next switch
                {
                    ':' => new SqlToken(SqlTokenKind.Cast, start, 2),
                    '=' => new SqlToken(SqlTokenKind.Operator, start, 2),
                    _ when IsIdentifierStart(next) => Token(SqlTokenKind.Parameter, start, SkipIdentifier(sql, start + 1)),
                    _ => new SqlToken(SqlTokenKind.Punctuation, start, 1),
                };
            case '(' or ')' or ',' or ';' or '[' or ']':
                return new SqlToken(SqlTokenKind.Punctuation, start, 1);
            case '.':
                return IsDigit(next)
                    ? Token(SqlTokenKind.Number, start, SkipNumber(sql, start))
                    : new SqlToken(SqlTokenKind.Punctuation, start, 1);
            case >= '0' and <= '9':
                return Token(SqlTokenKind.Number, start, SkipNumber(sql, start));
        }

        if (IsIdentifierStart(c))
        {
            return ReadWord(sql, start, classifyKeywords);
        }

        return OperatorChars.Contains(c)
            ? ReadOperator(sql, start)
            : new SqlToken(SqlTokenKind.Other, start, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsIdentifierStart(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or >= '\u0080';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c) || c == '$';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static char Peek(ReadOnlySpan<char> sql, int index) => index < sql.Length ? sql[index] : '\0';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SqlToken Token(SqlTokenKind kind, int start, int end) => new(kind, start, end - start);

    private static SqlToken ReadWord(ReadOnlySpan<char> sql, int start, bool classifyKeywords)
    {
        var c = sql[start];
        var next = Peek(sql, start + 1);

        // E'..' escapes with backslashes; B'..', X'..', N'..' are plain strings with a prefix;
        // U&'..' and U&".." take \XXXX escapes but end at the same quote as plain ones.
        if (next == '\'')
        {
            switch (c)
            {
                case 'E' or 'e':
                    return Token(SqlTokenKind.String, start, SkipQuoted(sql, start + 2, '\'', backslashEscapes: true));
                case 'B' or 'b' or 'X' or 'x' or 'N' or 'n':
                    return Token(SqlTokenKind.String, start, SkipQuoted(sql, start + 2, '\'', backslashEscapes: false));
            }
        }
        else if (c is 'U' or 'u' && next == '&')
        {
            var quote = Peek(sql, start + 2);
            if (quote == '\'')
            {
                return Token(SqlTokenKind.String, start, SkipQuoted(sql, start + 3, '\'', backslashEscapes: false));
            }

            if (quote == '"')
            {
                return Token(SqlTokenKind.QuotedIdentifier, start, SkipQuoted(sql, start + 3, '"', backslashEscapes: false));
            }
        }

        var end = SkipIdentifier(sql, start);
        var kind = classifyKeywords && SqlKeywords.IsKeyword(sql[start..end]) ? SqlTokenKind.Keyword : SqlTokenKind.Identifier;
        return Token(kind, start, end);
    }

    private static SqlToken ReadDollar(ReadOnlySpan<char> sql, int start)
    {
        var i = start + 1;
        if (i < sql.Length && IsDigit(sql[i]))
        {
            while (i < sql.Length && IsDigit(sql[i]))
            {
                i++;
            }

            return Token(SqlTokenKind.Parameter, start, i);
        }

        // scan.l: dolqdelim = $ [A-Za-z\200-\377_][A-Za-z\200-\377_0-9]* $ (or $$).
        if (i < sql.Length && IsIdentifierStart(sql[i]))
        {
            i++;
            while (i < sql.Length && (IsIdentifierStart(sql[i]) || IsDigit(sql[i])))
            {
                i++;
            }
        }

        if (i >= sql.Length || sql[i] != '$')
        {
            return new SqlToken(SqlTokenKind.Other, start, 1);
        }

        var delimiter = sql[start..(i + 1)];
        var bodyStart = i + 1;
        var searchFrom = bodyStart;

        // Candidates are the '$' signs after the body start. A candidate that matches k characters
        // of the delimiter is followed by k characters without '$' (the tag has none), so the
        // comparisons add up to the length of the text: linear even for pathological tags.
        while (searchFrom < sql.Length)
        {
            var offset = sql[searchFrom..].IndexOf('$');
            if (offset < 0)
            {
                break;
            }

            var candidate = searchFrom + offset;
            if (sql[candidate..].StartsWith(delimiter, StringComparison.Ordinal))
            {
                return Token(SqlTokenKind.String, start, candidate + delimiter.Length);
            }

            searchFrom = candidate + 1;
        }

        return Token(SqlTokenKind.String, start, sql.Length);
    }

    private static SqlToken ReadOperator(ReadOnlySpan<char> sql, int start)
    {
        var end = start + 1;
        while (end < sql.Length && OperatorChars.Contains(sql[end]))
        {
            var c = sql[end];
            var following = Peek(sql, end + 1);

            // A comment start ends the operator; so does a named placeholder (`<@p0` is rare, `=@p0` is not).
            if ((c == '-' && following == '-') || (c == '/' && following == '*') || (c == '@' && IsIdentifierStart(following)))
            {
                break;
            }

            end++;
        }

        // scan.l: "a+-1" is a, +, -1 — an operator loses trailing + and - unless it holds one of
        // OperatorKeepTrailingSign, so SQL-standard expressions lex as they read.
        var length = end - start;
        if (length > 1 && sql[end - 1] is '+' or '-' && sql[start..end].IndexOfAny(OperatorKeepTrailingSign) < 0)
        {
            while (length > 1 && sql[start + length - 1] is '+' or '-')
            {
                length--;
            }
        }

        return new SqlToken(SqlTokenKind.Operator, start, length);
    }

    private static int SkipWhitespace(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && sql[i] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
        {
            i++;
        }

        return i;
    }

    private static int SkipLineComment(ReadOnlySpan<char> sql, int start)
    {
        var offset = sql[start..].IndexOfAny('\n', '\r');
        return offset < 0 ? sql.Length : start + offset;
    }

    private static int SkipBlockComment(ReadOnlySpan<char> sql, int start)
    {
        // PostgreSQL nests block comments (unlike the SQL standard's reading in most engines).
        var depth = 1;
        var i = start + 2;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = Peek(sql, i + 1);
            if (c == '*' && next == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else if (c == '/' && next == '*')
            {
                depth++;
                i += 2;
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    /// <summary>Returns the offset past the closing quote; a doubled quote is an escaped one.</summary>
    private static int SkipQuoted(ReadOnlySpan<char> sql, int i, char quote, bool backslashEscapes)
    {
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (Peek(sql, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return sql.Length;
    }

    private static int SkipIdentifier(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && IsIdentifierPart(sql[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipNumber(ReadOnlySpan<char> sql, int start)
    {
        var i = start;
        if (sql[i] == '0' && Peek(sql, i + 1) is 'x' or 'X' or 'o' or 'O' or 'b' or 'B' && IsRadixDigit(Peek(sql, i + 2), sql[i + 1]))
        {
            var radix = sql[i + 1];
            i += 2;
            while (i < sql.Length && (IsRadixDigit(sql[i], radix) || sql[i] == '_'))
            {
                i++;
            }

            return i;
        }

        i = SkipDigits(sql, i);

        // "1..5" is 1 then .. (array slice), not 1. then .5.
        if (i < sql.Length && sql[i] == '.' && Peek(sql, i + 1) != '.')
        {
            i = SkipDigits(sql, i + 1);
        }

        if (i < sql.Length && sql[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (Peek(sql, j) is '+' or '-')
            {
                j++;
            }

            if (IsDigit(Peek(sql, j)))
            {
                i = SkipDigits(sql, j);
            }
        }

        return i;
    }

    private static int SkipDigits(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && (IsDigit(sql[i]) || (sql[i] == '_' && IsDigit(Peek(sql, i + 1)))))
        {
            i++;
        }

        return i;
    }

    private static bool IsRadixDigit(char c, char radix) => radix switch
    {
        'x' or 'X' => char.IsAsciiHexDigit(c),
        'o' or 'O' => c is >= '0' and <= '7',
        _ => c is '0' or '1',
    };
}
