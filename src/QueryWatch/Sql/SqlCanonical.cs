using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// Spellings of one statement that the fingerprint reads as one (issue #12): both
/// <see cref="SqlNormalizer"/> and <see cref="FingerprintScanner"/> ask these questions of the
/// same text, so they rewrite alike. <c>CAST(x AS t)</c> reads as <c>x::t</c> (an operand that is
/// not a single name, call, constant or parenthesized group gets parentheses: <c>(a + b)::t</c>);
/// a quoted identifier that needs no quotes reads as the bare word; <c>VALUES</c> rows of
/// constants after the first collapse like an <c>IN</c> list; <c>OFFSET c LIMIT c</c> reads as
/// <c>LIMIT c OFFSET c</c>. Each look-ahead stops at the first token that cannot belong to its
/// shape, and none can start inside another of its kind, so the work stays linear.
/// </summary>
internal static class SqlCanonical
{
    /// <summary>A <c>CAST(</c> opened at this parenthesis depth or deeper is hashed as written.</summary>
    public const int MaxCastDepth = 63;

    /// <summary>
    /// True when <paramref name="quoted"/> (a quoted identifier, quotes included) means the same
    /// as its content unquoted: lower-case ASCII letters, digits, <c>_</c> and <c>$</c>, not
    /// starting with a digit or <c>$</c>, and no keyword.
    /// </summary>
    public static bool IsPlainQuotedIdentifier(ReadOnlySpan<char> quoted, out ReadOnlySpan<char> word)
    {
        word = default;
        if (quoted.Length < 3 || quoted[0] != '"' || quoted[^1] != '"')
        {
            return false;
        }

        var inner = quoted[1..^1];
        if (inner[0] is not ((>= 'a' and <= 'z') or '_'))
        {
            return false;
        }

        foreach (var c in inner)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '$'))
            {
                return false;
            }
        }

        if (SqlKeywords.IsKeyword(inner))
        {
            return false;
        }

        word = inner;
        return true;
    }

    /// <summary>
    /// Reads <c>( operand AS</c> at the start of <paramref name="rest"/> (the text after a
    /// <c>CAST</c> word): <paramref name="open"/> is the length up to and including the
    /// parenthesis, <paramref name="wrap"/> whether the operand needs parentheses after the
    /// rewrite. False when no <c>AS</c> comes at the parenthesis' level before it closes.
    /// </summary>
    public static bool TryReadCastHead(ReadOnlySpan<char> rest, out int open, out bool wrap)
    {
        open = 0;
        wrap = false;
        var tokens = SqlLexer.Scan(rest, classifyKeywords: false);
        if (!tokens.MoveNextSignificant() || !IsPunctuation(tokens.Current, rest, '('))
        {
            return false;
        }

        open = tokens.Current.End;
        var shape = Shape.Start;
        var depth = 0;
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            var text = token.Text(rest);
            var opens = token.Kind == SqlTokenKind.Punctuation && text[0] is '(' or '[';
            var closes = token.Kind == SqlTokenKind.Punctuation && text[0] is ')' or ']';
            if (depth > 0)
            {
                depth += opens ? 1 : closes ? -1 : 0;
                if (depth == 0 && shape == Shape.InGroup)
                {
                    shape = Shape.Done;
                }

                continue;
            }

            if (closes)
            {
                return false;
            }

            if (token.IsWord && text.Length == 2 && SqlKeywords.Is(text, "AS"))
            {
                wrap = shape is not (Shape.AfterName or Shape.Done or Shape.InType);
                return true;
            }

            if (opens)
            {
                depth = 1;
            }

            shape = (shape, token.Kind) switch
            {
                (Shape.Start, SqlTokenKind.Operator) when text is "-" => Shape.Minus,
                (Shape.Start or Shape.Minus, SqlTokenKind.Number) => Shape.Done,
                (Shape.Start, SqlTokenKind.String or SqlTokenKind.Parameter) => Shape.Done,
                (Shape.Start or Shape.AfterDot, SqlTokenKind.Identifier or SqlTokenKind.Keyword or SqlTokenKind.QuotedIdentifier) => Shape.AfterName,
                (Shape.AfterDot, SqlTokenKind.Operator) when text is "*" => Shape.Done,
                (Shape.AfterName, SqlTokenKind.Punctuation) when text[0] == '.' => Shape.AfterDot,
                (Shape.Start or Shape.AfterName, SqlTokenKind.Punctuation) when text[0] == '(' => Shape.InGroup,
                (Shape.AfterName or Shape.Done or Shape.InType, SqlTokenKind.Cast) => Shape.InType,
                (Shape.InType, SqlTokenKind.Identifier or SqlTokenKind.Keyword or SqlTokenKind.QuotedIdentifier) => Shape.InType,
                (Shape.InType, SqlTokenKind.Punctuation) when text[0] is '.' or '(' or '[' => Shape.InType,
                _ => Shape.Complex,
            };
        }

        return false;
    }

    // InType: after x::, a type name (with modifiers or [] suffixes) that keeps the operand simple.
    private enum Shape : byte { Start, Minus, AfterName, AfterDot, InGroup, Done, InType, Complex }

    /// <summary>
    /// After the <c>(</c> that opens the first row of a <c>VALUES</c> list (<paramref name="rest"/>
    /// starts just past it): when that row and at least one more are lists of constants,
    /// <paramref name="firstRowEnd"/> is the length up to the first row's <c>)</c> included, and
    /// <paramref name="rowsEnd"/> up to the last row's.
    /// </summary>
    public static bool TryReadConstantRows(ReadOnlySpan<char> rest, out int firstRowEnd, out int rowsEnd)
    {
        firstRowEnd = rowsEnd = 0;
        var tokens = SqlLexer.Scan(rest, classifyKeywords: false);
        if (!SqlConstantList.TrySkip(ref tokens, ')'))
        {
            return false;
        }

        firstRowEnd = tokens.Current.End;
        while (true)
        {
            var ahead = tokens;
            if (!ahead.MoveNextSignificant() || !IsPunctuation(ahead.Current, rest, ',')
                || !ahead.MoveNextSignificant() || !IsPunctuation(ahead.Current, rest, '(')
                || !SqlConstantList.TrySkip(ref ahead, ')'))
            {
                break;
            }

            tokens = ahead;
            rowsEnd = tokens.Current.End;
        }

        return rowsEnd != 0;
    }

    /// <summary>
    /// After an <c>OFFSET</c> word (<paramref name="rest"/> starts just past it): true when
    /// <c>constant LIMIT constant</c> follows, <paramref name="end"/> the length it takes.
    /// </summary>
    public static bool TryReadOffsetThenLimit(ReadOnlySpan<char> rest, out int end)
    {
        end = 0;
        var tokens = SqlLexer.Scan(rest, classifyKeywords: false);
        if (!(tokens.MoveNextSignificant() && IsSingleConstant(tokens.Current)
            && tokens.MoveNextSignificant() && tokens.Current.IsWord && SqlKeywords.Is(tokens.Current.Text(rest), "LIMIT")
            && tokens.MoveNextSignificant() && IsSingleConstant(tokens.Current)))
        {
            return false;
        }

        // 'a' 'b' is one constant: a string run continuing past LIMIT's value is left as written.
        end = tokens.Current.End;
        var after = tokens;
        return !(after.MoveNextSignificant() && after.Current.Kind == SqlTokenKind.String);
    }

    private static bool IsSingleConstant(SqlToken token) =>
        token.Kind is SqlTokenKind.Number or SqlTokenKind.Parameter or SqlTokenKind.String;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPunctuation(SqlToken token, ReadOnlySpan<char> sql, char c) =>
        token.Kind == SqlTokenKind.Punctuation && sql[token.Start] == c;

    /// <summary>Which parenthesis depths a <c>CAST(</c> opened, and whether its operand was wrapped: one bit per depth.</summary>
    public struct CastFrames
    {
        private ulong _casts;
        private ulong _wraps;

        /// <summary>True when some <c>CAST(</c> is open.</summary>
        public readonly bool Any => _casts != 0;

        /// <summary>True when a <c>CAST(</c> may open the parenthesis that makes <paramref name="depth"/>.</summary>
        public static bool CanOpen(int depth) => depth is > 0 and <= MaxCastDepth;

        /// <summary>True when the innermost open parenthesis, at <paramref name="depth"/>, is a <c>CAST(</c>'s.</summary>
        public readonly bool IsCast(int depth) => CanOpen(depth) && (_casts & (1UL << depth)) != 0;

        /// <summary>Whether the <c>CAST(</c> at <paramref name="depth"/> wrapped its operand.</summary>
        public readonly bool Wraps(int depth) => (_wraps & (1UL << depth)) != 0;

        /// <summary>Opens one at <paramref name="depth"/> (see <see cref="CanOpen"/>).</summary>
        public void Push(int depth, bool wrap)
        {
            _casts |= 1UL << depth;
            _wraps = wrap ? _wraps | (1UL << depth) : _wraps & ~(1UL << depth);
        }

        /// <summary>Closes the one at <paramref name="depth"/>.</summary>
        public void Pop(int depth) => _casts &= ~(1UL << depth);
    }
}
