using System.Buffers;
using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// The significant tokens <see cref="SqlLexer"/> would give, read faster for
/// <see cref="FingerprintScanner"/>: the shapes generated SQL is made of (single spaces, words,
/// quoted names, plain strings, digit-only numbers, one-character operators, punctuation) are cut
/// here from a 128-entry character-class table and vectorised scans; every other shape goes to
/// <see cref="SqlLexer.ReadToken"/>, so each cut is the lexer's by construction. Words come back
/// as <see cref="SqlTokenKind.Identifier"/>: nothing here looks keywords up.
/// </summary>
internal static class SqlFastScanner
{
    // Classes of the ASCII characters; every unit from U+0080 up starts a word (scan.l: ident_start).
    private const byte X = 0; // anything SqlLexer.ReadToken must decide: $ : \ { } control characters
    private const byte S = 1; // whitespace
    private const byte W = 2; // word start
    private const byte D = 3; // digit
    private const byte Q = 4; // double quote
    private const byte A = 5; // apostrophe
    private const byte P = 6; // ( ) , ; [ ]
    private const byte T = 7; // dot: punctuation, or the start of .5
    private const byte M = 8; // at sign: @name placeholder, or an operator
    private const byte R = 9; // other operator characters (scan.l: op_chars)

    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\n\r\f\v");

    private static ReadOnlySpan<byte> Classes =>
    [
        X, X, X, X, X, X, X, X, X, S, S, S, S, S, X, X, // 0x00
        X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, // 0x10
        S, R, Q, R, X, R, R, A, P, P, R, R, P, R, T, R, // 0x20  !"#$%&'()*+,-./
        D, D, D, D, D, D, D, D, D, D, X, P, R, R, R, R, // 0x30 0123456789:;<=>?
        M, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, // 0x40 @A-O
        W, W, W, W, W, W, W, W, W, W, W, P, X, P, R, W, // 0x50 P-Z[\]^_
        R, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, // 0x60 `a-o
        W, W, W, W, W, W, W, W, W, W, W, X, R, X, R, X, // 0x70 p-z{|}~
    ];

    /// <summary>
    /// Reads the next token at or after <paramref name="position"/> that is not whitespace or a
    /// comment, and moves <paramref name="position"/> past it; false at the end of the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadSignificant(ReadOnlySpan<char> sql, ref int position, out SqlToken token)
    {
        var i = position;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            switch (ClassOf(c))
            {
                case S:
                    i = ClassOf(next) == S ? SkipWhitespace(sql, i + 1) : i + 1;
                    continue;
                case W when next is not ('\'' or '&'): // E'..', B'..', X'..', N'..', U&'..', U&".." are the lexer's
                    return Cut(SqlTokenKind.Identifier, i, SkipIdentifier(sql, i + 1), ref position, out token);
                case D:
                    var end = SkipDigits(sql, i + 1);
                    if (end < sql.Length && sql[end] is '.' or '_' or 'e' or 'E' or 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
                    {
                        break; // decimals, exponents, separators, 0x/0o/0b
                    }

                    return Cut(SqlTokenKind.Number, i, end, ref position, out token);
                case Q:
                    return Cut(SqlTokenKind.QuotedIdentifier, i, SkipQuoted(sql, i + 1, '"'), ref position, out token);
                case A:
                    return Cut(SqlTokenKind.String, i, SkipQuoted(sql, i + 1, '\''), ref position, out token);
                case P:
                case T when !char.IsAsciiDigit(next):
                    return Cut(SqlTokenKind.Punctuation, i, i + 1, ref position, out token);
                case M when SqlLexer.IsIdentifierStart(next):
                    return Cut(SqlTokenKind.Parameter, i, SkipIdentifier(sql, i + 1), ref position, out token);
                case M or R when ClassOf(next) is not (M or R):
                    // A longer run is cut by scan.l's rules (comments, trailing signs): the lexer's job.
                    return Cut(SqlTokenKind.Operator, i, i + 1, ref position, out token);
            }

            token = SqlLexer.ReadToken(sql, i, classifyKeywords: false);
            i = token.End;
            if (!token.IsTrivia)
            {
                position = i;
                return true;
            }
        }

        position = i;
        token = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte ClassOf(char c) => c < 128 ? Classes[c] : W;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Cut(SqlTokenKind kind, int start, int end, ref int position, out SqlToken token)
    {
        token = new SqlToken(kind, start, end - start);
        position = end;
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<char> sql, int i)
    {
        var offset = sql[i..].IndexOfAnyExcept(Whitespace);
        return offset < 0 ? sql.Length : i + offset;
    }

    // scan.l: ident_cont. A plain loop: words in generated SQL are a few characters long, and a
    // vectorised search measured no faster on them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipIdentifier(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && (ClassOf(sql[i]) is W or D || sql[i] == '$'))
        {
            i++;
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipDigits(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && char.IsAsciiDigit(sql[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Offset past the closing quote (a doubled quote is an escaped one), as the lexer's.</summary>
    private static int SkipQuoted(ReadOnlySpan<char> sql, int i, char quote)
    {
        while (true)
        {
            var offset = sql[i..].IndexOf(quote);
            if (offset < 0)
            {
                return sql.Length;
            }

            i += offset + 1;
            if (i >= sql.Length || sql[i] != quote)
            {
                return i;
            }

            i++;
        }
    }
}
