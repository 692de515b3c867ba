using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// <see cref="SqlFingerprint.ComputeId"/> without <see cref="SqlNormalizer"/>: the same token
/// stream goes into the same hash, so every id is the one <see cref="SqlFingerprint.Compute"/>
/// gives (a property test holds the two together). It is faster because it never builds text,
/// reads tokens with <see cref="SqlFastScanner"/>, keeps the hash state in locals, hashes words
/// folded without asking whether they are keywords, and carries the string-continuation rule as
/// state instead of looking ahead. Little-endian hosts only (the hash reads four UTF-16 units as
/// one little-endian word). Never throws; linear; allocates nothing.
/// </summary>
internal static class FingerprintScanner
{
    // Of SqlNormalizer's "previous token" states, the distinctions the id depends on: after which
    // tokens a minus is unary, and whether the word before ( or [ may open a constant list.
    private enum Previous : byte
    {
        None,
        Word,

        // ( [ , : and operators: a minus after them starts a value.
        ExpectsOperand,

        // Constants, names, ) ] . :: — a minus after them subtracts (unless a ; came between).
        Operand,
    }

    /// <summary>The id of <paramref name="sql"/>, equal to <c>SqlFingerprint.Compute(sql).Id</c>.</summary>
    public static ulong ComputeId(ReadOnlySpan<char> sql)
    {
        var hash = new Accumulator(FingerprintHasher.InitialState);
        var previous = Previous.None;
        var previousWord = default(SqlToken);
        var inStringRun = false;
        var position = 0;
        var rewrites = default(Rewrites);
        while (SqlFastScanner.TryReadSignificant(sql, ref position, out var token))
        {
            var text = token.Text(sql);

            // 'a' 'b' and U&'a' UESCAPE '!' are one constant: later parts are swallowed.
            var continuesString = inStringRun;
            inStringRun = false;
            switch (token.Kind)
            {
                case SqlTokenKind.String:
                    if (!continuesString)
                    {
                        hash.AppendConstant();
                        previous = Previous.Operand;
                    }

                    inStringRun = true;
                    break;
                case SqlTokenKind.Number or SqlTokenKind.Parameter:
                    hash.AppendConstant();
                    previous = Previous.Operand;
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.Keyword:
                    if (continuesString && text.Length == 7 && SqlKeywords.Is(text, "UESCAPE") && NextIs(SqlTokenKind.String, sql, ref position))
                    {
                        inStringRun = true;
                    }
                    else if (SqlNormalizer.IsBooleanLiteral(text))
                    {
                        hash.AppendConstant();
                        previous = Previous.Operand;
                    }
                    else if (text.Length is 2 or 4 or 6 && TryRewriteWord(ref hash, ref rewrites, token, sql, ref position, ref previous, ref previousWord))
                    {
                    }
                    else
                    {
                        hash.Append(FingerprintTag.Word, text, foldAsciiUpperCase: true);
                        previous = Previous.Word;
                        previousWord = token;
                    }

                    break;
                case SqlTokenKind.QuotedIdentifier:
                    if (SqlCanonical.IsPlainQuotedIdentifier(text, out var word))
                    {
                        hash.Append(FingerprintTag.Word, word, foldAsciiUpperCase: true);
                        previous = Previous.Word;
                        previousWord = token;
                    }
                    else
                    {
                        hash.Append(FingerprintTag.QuotedIdentifier, text);
                        previous = Previous.Operand;
                    }

                    break;
                case SqlTokenKind.Operator:
                    var unary = text is "-" && previous switch
                    {
                        Previous.None or Previous.ExpectsOperand => true,
                        Previous.Word => SqlNormalizer.IsOperatorLikeKeyword(previousWord.Text(sql)),
                        _ => hash.PendingSemicolon,
                    };
                    if (unary && NextIs(SqlTokenKind.Number, sql, ref position))
                    {
                        hash.AppendConstant();
                        previous = Previous.Operand;
                    }
                    else
                    {
                        hash.Append(FingerprintTag.Operator, text);
                        previous = Previous.ExpectsOperand;
                    }

                    break;
                case SqlTokenKind.Cast:
                    hash.Append(FingerprintTag.Cast, text);
                    previous = Previous.Operand;
                    break;
                case SqlTokenKind.Punctuation when text[0] == ')' && rewrites.Casts.IsCast(rewrites.Depth):
                    // The parenthesis closing a CAST( is not part of x::t.
                    rewrites.Casts.Pop(rewrites.Depth);
                    rewrites.Depth--;
                    break;
                case SqlTokenKind.Punctuation:
                    previous = AppendPunctuation(ref hash, ref rewrites, text[0], previous, previousWord.Text(sql), sql, ref position);
                    break;
                default:
                    hash.Append(FingerprintTag.Other, text);
                    previous = Previous.Operand;
                    break;
            }
        }

        return hash.Finish();
    }

    // SqlNormalizer.TryRewriteWord, token for token: CAST( x AS t ) as x::t, OFFSET c LIMIT c as LIMIT c OFFSET c.
    private static bool TryRewriteWord(
        ref Accumulator hash, ref Rewrites rewrites, SqlToken token, ReadOnlySpan<char> sql, ref int position, ref Previous previous, ref SqlToken previousWord)
    {
        var text = token.Text(sql);
        switch (text.Length)
        {
            case 2 when rewrites.Casts.IsCast(rewrites.Depth) && SqlKeywords.Is(text, "AS"):
                if (rewrites.Casts.Wraps(rewrites.Depth))
                {
                    hash.AppendPunctuation(')');
                }

                hash.Append(FingerprintTag.Cast, "::");
                previous = Previous.Operand;
                return true;
            case 4 when SqlCanonical.CastFrames.CanOpen(rewrites.Depth + 1) && SqlKeywords.Is(text, "CAST")
                && SqlCanonical.TryReadCastHead(sql[position..], out var open, out var wrap):
                position += open;
                rewrites.Depth++;
                rewrites.Casts.Push(rewrites.Depth, wrap);
                if (wrap)
                {
                    hash.AppendPunctuation('(');
                    previous = Previous.ExpectsOperand;
                }

                return true;
            case 6 when SqlKeywords.Is(text, "OFFSET") && SqlCanonical.TryReadOffsetThenLimit(sql[position..], out var end):
                // The LIMIT word is the first word after the OFFSET's value.
                var rest = SqlLexer.Scan(sql[position..], classifyKeywords: false);
                rest.MoveNextSignificant();
                rest.MoveNextSignificant();
                hash.Append(FingerprintTag.Word, rest.Current.Text(sql[position..]), foldAsciiUpperCase: true);
                hash.AppendConstant();
                hash.Append(FingerprintTag.Word, text, foldAsciiUpperCase: true);
                hash.AppendConstant();
                position += end;
                previous = Previous.Operand;
                previousWord = token;
                return true;
            default:
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Previous AppendPunctuation(
        ref Accumulator hash, ref Rewrites rewrites, char c, Previous previous, ReadOnlySpan<char> previousWord, ReadOnlySpan<char> sql, ref int position)
    {
        switch (c)
        {
            case ';':
                // Trailing and repeated semicolons do not change the statement: one is hashed
                // only when a token follows it.
                hash.PendingSemicolon |= previous != Previous.None;
                return previous;
            case '(' or '[':
                var opensList = previous == Previous.Word && SqlKeywords.Is(previousWord, c == '(' ? "IN" : "ARRAY");
                hash.AppendPunctuation(c);
                if (opensList && TrySkipConstantList(sql, ref position, c == '(' ? ')' : ']'))
                {
                    hash.Append(FingerprintTag.List, default);
                    hash.AppendPunctuation(c == '(' ? ')' : ']');
                    return Previous.Operand;
                }

                if (c == '(')
                {
                    rewrites.Depth++;
                    if (!opensList && previous == Previous.Word && previousWord.Length == 6 && SqlKeywords.Is(previousWord, "VALUES")
                        && SqlCanonical.TryReadConstantRows(sql[position..], out var firstRowEnd, out var rowsEnd))
                    {
                        // The first row stays as written; the rows after it become one list marker.
                        rewrites.CollapseAt = position + firstRowEnd;
                        rewrites.CollapseTo = position + rowsEnd;
                    }
                }

                return Previous.ExpectsOperand;
            case ')' when position == rewrites.CollapseAt:
                rewrites.Depth--;
                hash.AppendPunctuation(')');
                hash.AppendPunctuation(',');
                hash.AppendPunctuation('(');
                hash.Append(FingerprintTag.List, default);
                hash.AppendPunctuation(')');
                position = rewrites.CollapseTo;
                rewrites.CollapseAt = 0;
                return Previous.Operand;
            default:
                rewrites.Depth -= c == ')' ? 1 : 0;
                hash.AppendPunctuation(c);
                return c is ',' or ':' ? Previous.ExpectsOperand : Previous.Operand;
        }
    }

    // The lexer is forward-only (a token depends on nothing before it), so lexing the rest of the
    // input as a span of its own cuts the same tokens the whole input would.
    private static bool TrySkipConstantList(ReadOnlySpan<char> sql, ref int position, char close)
    {
        var rest = sql[position..];
        var tokens = SqlLexer.Scan(rest, classifyKeywords: false);
        if (!SqlConstantList.TrySkip(ref tokens, close))
        {
            return false;
        }

        position += tokens.Current.End;
        return true;
    }

    // Rare paths (a minus in front of a value, UESCAPE) peek one token with the reference lexer.
    private static bool NextIs(SqlTokenKind kind, ReadOnlySpan<char> sql, ref int position)
    {
        var tokens = SqlLexer.Scan(sql[position..], classifyKeywords: false);
        if (!tokens.MoveNextSignificant() || tokens.Current.Kind != kind)
        {
            return false;
        }

        position += tokens.Current.End;
        return true;
    }

    /// <summary>State of the rewrites of <see cref="SqlCanonical"/>: open CASTs, parenthesis depth, a VALUES list to collapse.</summary>
    private struct Rewrites
    {
        public SqlCanonical.CastFrames Casts;
        public int Depth;
        public int CollapseAt;
        public int CollapseTo;
    }

    /// <summary>The hash state in locals the JIT can keep in registers, plus the deferred semicolon.</summary>
    private struct Accumulator(ulong state)
    {
        private ulong _state = state;
        private long _tokens;

        public bool PendingSemicolon;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AppendConstant() => Append(FingerprintTag.Constant, default);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AppendPunctuation(char c) => Append(FingerprintTag.Punctuation, new ReadOnlySpan<char>(in c));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(FingerprintTag tag, scoped ReadOnlySpan<char> text, bool foldAsciiUpperCase = false)
        {
            if (PendingSemicolon)
            {
                PendingSemicolon = false;
                _state = FingerprintHasher.AppendText(FingerprintHasher.AppendHeader(_state, (int)FingerprintTag.Punctuation, 1), ";", false);
                _tokens++;
            }

            _state = FingerprintHasher.AppendText(FingerprintHasher.AppendHeader(_state, (int)tag, text.Length), text, foldAsciiUpperCase);
            _tokens++;
        }

        public readonly ulong Finish() => FingerprintHasher.Finish(_state, _tokens);
    }
}
