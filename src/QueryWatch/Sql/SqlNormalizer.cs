using System.Buffers;

namespace QueryWatch.Sql;

/// <summary>
/// One pass over the significant tokens of a statement that both hashes the normalized token
/// stream and, when asked, writes the normalized text. Rules (pg_stat_statements' grouping):
/// every constant — strings of every kind (adjacent ones and a <c>UESCAPE</c> clause included),
/// numbers (with a unary minus), <c>TRUE</c>/<c>FALSE</c> — and every placeholder (<c>$1</c>,
/// <c>@p0</c>, <c>:name</c>) becomes <c>$n</c>, numbered in order of appearance; a list of
/// constants in <c>IN (...)</c> or <c>ARRAY[...]</c>, any length, becomes <c>$n /*, ... */</c>;
/// comments go; unquoted words fold (keywords upper, identifiers lower, ASCII only as PostgreSQL
/// does); spacing is rebuilt from the tokens, so the original whitespace never matters; trailing
/// semicolons go. Spellings of one statement read as one (<see cref="SqlCanonical"/>):
/// <c>CAST(x AS t)</c> as <c>x::t</c>, a quoted identifier that needs no quotes as the bare
/// word, <c>VALUES</c> rows of constants after the first as one list marker, <c>OFFSET c LIMIT c</c>
/// as <c>LIMIT c OFFSET c</c>. The hash sees token kinds and folded text, never numbers, spaces or letter
/// case of words, so <c>ComputeId(Compute(x).Normalized) == Compute(x).Id</c>.
/// </summary>
internal ref struct SqlNormalizer
{
    private const string ListMarkerSuffix = " /*, ... */";

    private readonly ReadOnlySpan<char> _sql;
    private readonly bool _writeText;
    private SqlTokenizer _tokens;
    private FingerprintHasher _hash;
    private char[]? _buffer;
    private int _length;
    private Emitted _previous;
    private SqlToken _previousWord;
    private int _markers;
    private bool _pendingSemicolon;
    private SqlCanonical.CastFrames _casts;
    private int _depth;
    private int _collapseAt;
    private int _collapseTo;

    /// <summary>Prepares to normalize <paramref name="sql"/>; text is written only when <paramref name="writeText"/>.</summary>
    public SqlNormalizer(ReadOnlySpan<char> sql, bool writeText)
    {
        _sql = sql;
        _writeText = writeText;
        _tokens = new SqlTokenizer(sql, classifyKeywords: writeText);
        _hash = new FingerprintHasher();
        _buffer = writeText ? ArrayPool<char>.Shared.Rent(Math.Max(64, sql.Length + (sql.Length / 4))) : null;
    }

    private enum Emitted
    {
        None, Identifier, Keyword, QuotedIdentifier, Constant, List, Operator, Cast, Other,
        OpenParen, CloseParen, OpenBracket, CloseBracket, Comma, Dot, Semicolon, Colon,
    }

    /// <summary>The id of the statement; valid after <see cref="Run"/>.</summary>
    public readonly ulong Id => _hash.Finish();

    /// <summary>Walks the whole input.</summary>
    public void Run()
    {
        while (_tokens.MoveNextSignificant())
        {
            var token = _tokens.Current;
            var text = token.Text(_sql);
            switch (token.Kind)
            {
                case SqlTokenKind.Number or SqlTokenKind.Parameter:
                    EmitConstant();
                    break;
                case SqlTokenKind.String:
                    EmitConstant();
                    SkipStringContinuation();
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.Keyword when IsBooleanLiteral(text):
                    EmitConstant();
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.Keyword:
                    if (!TryRewriteWord(token, text))
                    {
                        EmitWord(token);
                    }

                    break;
                case SqlTokenKind.QuotedIdentifier when SqlCanonical.IsPlainQuotedIdentifier(text, out var word):
                    EmitWord(token, word);
                    break;
                case SqlTokenKind.QuotedIdentifier:
                    Emit(Emitted.QuotedIdentifier, FingerprintTag.QuotedIdentifier, text);
                    break;
                case SqlTokenKind.Operator when text is "-" && IsUnaryContext() && NextIsNumber():
                    _tokens.MoveNextSignificant();
                    EmitConstant();
                    break;
                case SqlTokenKind.Operator:
                    Emit(Emitted.Operator, FingerprintTag.Operator, text);
                    break;
                case SqlTokenKind.Cast:
                    Emit(Emitted.Cast, FingerprintTag.Cast, text);
                    break;
                case SqlTokenKind.Punctuation when text[0] == ')' && _casts.IsCast(_depth):
                    // The parenthesis closing a CAST( is not part of x::t.
                    _casts.Pop(_depth);
                    _depth--;
                    break;
                case SqlTokenKind.Punctuation:
                    EmitPunctuation(text[0], token);
                    break;
                default:
                    Emit(Emitted.Other, FingerprintTag.Other, text);
                    break;
            }
        }
    }

    /// <summary>The normalized text; only when constructed with <c>writeText</c>.</summary>
    public readonly string GetText() => _buffer is null ? "" : new string(_buffer, 0, _length);

    /// <summary>Returns the pooled text buffer.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    internal static bool IsBooleanLiteral(ReadOnlySpan<char> word) =>
        (word.Length == 4 && SqlKeywords.Is(word, "TRUE")) || (word.Length == 5 && SqlKeywords.Is(word, "FALSE"));

    // CAST( x AS t ) as x::t, OFFSET c LIMIT c as LIMIT c OFFSET c: see SqlCanonical.
    private bool TryRewriteWord(SqlToken token, ReadOnlySpan<char> text)
    {
        switch (text.Length)
        {
            case 2 when _casts.IsCast(_depth) && SqlKeywords.Is(text, "AS"):
                if (_casts.Wraps(_depth))
                {
                    Emit(Emitted.CloseParen, FingerprintTag.Punctuation, ")");
                }

                Emit(Emitted.Cast, FingerprintTag.Cast, "::");
                return true;
            case 4 when SqlCanonical.CastFrames.CanOpen(_depth + 1) && SqlKeywords.Is(text, "CAST")
                && SqlCanonical.TryReadCastHead(_sql[token.End..], out var open, out var wrap):
                SkipTo(token.End + open);
                _depth++;
                _casts.Push(_depth, wrap);
                if (wrap)
                {
                    Emit(Emitted.OpenParen, FingerprintTag.Punctuation, "(");
                }

                return true;
            case 6 when SqlKeywords.Is(text, "OFFSET") && SqlCanonical.TryReadOffsetThenLimit(_sql[token.End..], out _):
                _tokens.MoveNextSignificant();
                _tokens.MoveNextSignificant();
                EmitWord(_tokens.Current);
                _tokens.MoveNextSignificant();
                EmitConstant();
                EmitWord(token);
                EmitConstant();
                return true;
            default:
                return false;
        }
    }

    private void SkipTo(int end)
    {
        while (_tokens.Current.End < end && _tokens.MoveNext())
        {
        }
    }

    private void EmitPunctuation(char c, SqlToken token)
    {
        switch (c)
        {
            case ';':
                // Trailing and repeated semicolons do not change the statement.
                _pendingSemicolon = _previous != Emitted.None;
                return;
            case '(' or '[':
                var afterWord = _previous == Emitted.Keyword || _previous == Emitted.Identifier;
                var opensList = afterWord && SqlKeywords.Is(_previousWord.Text(_sql), c == '(' ? "IN" : "ARRAY");
                var opensRows = c == '(' && afterWord && !opensList && SqlKeywords.Is(_previousWord.Text(_sql), "VALUES");
                Emit(c == '(' ? Emitted.OpenParen : Emitted.OpenBracket, FingerprintTag.Punctuation, [c]);
                _depth += c == '(' ? 1 : 0;
                if (opensList && SqlConstantList.TrySkip(ref _tokens, c == '(' ? ')' : ']'))
                {
                    Emit(Emitted.List, FingerprintTag.List, ListMarkerSuffix);
                    Emit(c == '(' ? Emitted.CloseParen : Emitted.CloseBracket, FingerprintTag.Punctuation, c == '(' ? ")" : "]");
                    _depth -= c == '(' ? 1 : 0;
                }
                else if (opensRows && SqlCanonical.TryReadConstantRows(_sql[token.End..], out var firstRowEnd, out var rowsEnd))
                {
                    // The first row stays as written; the rows after it become one list marker.
                    _collapseAt = token.End + firstRowEnd;
                    _collapseTo = token.End + rowsEnd;
                }

                return;
            case ')' when token.End == _collapseAt:
                _depth--;
                Emit(Emitted.CloseParen, FingerprintTag.Punctuation, ")");
                Emit(Emitted.Comma, FingerprintTag.Punctuation, ",");
                Emit(Emitted.OpenParen, FingerprintTag.Punctuation, "(");
                Emit(Emitted.List, FingerprintTag.List, ListMarkerSuffix);
                Emit(Emitted.CloseParen, FingerprintTag.Punctuation, ")");
                SkipTo(_collapseTo);
                _collapseAt = 0;
                return;
            default:
                _depth -= c == ')' ? 1 : 0;
                var kind = c switch
                {
                    ')' => Emitted.CloseParen,
                    ']' => Emitted.CloseBracket,
                    ',' => Emitted.Comma,
                    '.' => Emitted.Dot,
                    _ => Emitted.Colon,
                };
                Emit(kind, FingerprintTag.Punctuation, [c]);
                return;
        }
    }

    private void SkipStringContinuation()
    {
        // 'a'\n'b' is one constant in PostgreSQL; U&'..' UESCAPE '!' too.
        while (true)
        {
            var ahead = _tokens;
            if (!ahead.MoveNextSignificant())
            {
                return;
            }

            if (ahead.Current.Kind == SqlTokenKind.String)
            {
                _tokens = ahead;
                continue;
            }

            if (ahead.Current.IsWord && SqlKeywords.Is(ahead.Current.Text(_sql), "UESCAPE")
                && ahead.MoveNextSignificant() && ahead.Current.Kind == SqlTokenKind.String)
            {
                _tokens = ahead;
                continue;
            }

            return;
        }
    }

    private readonly bool NextIsNumber()
    {
        var ahead = _tokens;
        return ahead.MoveNextSignificant() && ahead.Current.Kind == SqlTokenKind.Number;
    }

    private readonly bool IsUnaryContext() => _previous switch
    {
        Emitted.None or Emitted.Operator or Emitted.OpenParen or Emitted.OpenBracket or Emitted.Comma or Emitted.Colon => true,
        Emitted.Keyword or Emitted.Identifier => IsOperatorLikeKeyword(_previousWord.Text(_sql)),
        _ => _pendingSemicolon,
    };

    // Keywords after which a minus starts a value (THEN -1, LIMIT -1), unlike those that are values.
    internal static bool IsOperatorLikeKeyword(ReadOnlySpan<char> word) =>
        SqlKeywords.IsKeyword(word)
        && !SqlKeywords.Is(word, "END") && !SqlKeywords.Is(word, "NULL") && !SqlKeywords.Is(word, "USER")
        && !SqlKeywords.Is(word, "SESSION_USER")
        && !word.StartsWith("CURRENT_", StringComparison.OrdinalIgnoreCase)
        && !word.StartsWith("LOCALTIME", StringComparison.OrdinalIgnoreCase);

    private void EmitConstant()
    {
        BeginToken(Emitted.Constant);
        _hash.AppendToken((int)FingerprintTag.Constant, default, foldAsciiUpperCase: false);
        if (_writeText)
        {
            Write('$');
            Span<char> digits = stackalloc char[11];
            (++_markers).TryFormat(digits, out var written);
            Write(digits[..written]);
        }
    }

    private void EmitWord(SqlToken token) => EmitWord(token, token.Text(_sql));

    // A word, or the content of a quoted identifier that needs no quotes (an identifier, never a keyword).
    private void EmitWord(SqlToken token, ReadOnlySpan<char> text)
    {
        var isKeyword = token.Kind == SqlTokenKind.Keyword;
        BeginToken(isKeyword ? Emitted.Keyword : Emitted.Identifier);
        _previousWord = token;
        _hash.AppendToken((int)FingerprintTag.Word, text, foldAsciiUpperCase: true);
        if (_writeText)
        {
            foreach (var c in text)
            {
                Write(isKeyword ? (c is >= 'a' and <= 'z' ? (char)(c - 32) : c) : (c is >= 'A' and <= 'Z' ? (char)(c + 32) : c));
            }
        }
    }

    private void Emit(Emitted kind, FingerprintTag tag, scoped ReadOnlySpan<char> text)
    {
        BeginToken(kind);
        if (tag == FingerprintTag.List)
        {
            _hash.AppendToken((int)FingerprintTag.List, default, foldAsciiUpperCase: false);
            // The marker's number and comment are text only; the tag alone identifies the list.
            if (_writeText)
            {
                _markers++;
                Write('$');
                Span<char> digits = stackalloc char[11];
                _markers.TryFormat(digits, out var written);
                Write(digits[..written]);
                Write(text);
            }

            return;
        }

        _hash.AppendToken((int)tag, text, foldAsciiUpperCase: false);
        if (_writeText)
        {
            Write(text);
        }
    }

    private void BeginToken(Emitted kind)
    {
        if (_pendingSemicolon)
        {
            _pendingSemicolon = false;
            _hash.AppendToken((int)FingerprintTag.Punctuation, ";", foldAsciiUpperCase: false);
            if (_writeText)
            {
                Write(';');
            }

            _previous = Emitted.Semicolon;
        }

        if (_writeText && NeedsSpace(_previous, kind))
        {
            Write(' ');
        }

        _previous = kind;
    }

    private static bool NeedsSpace(Emitted previous, Emitted current) =>
        (previous == Emitted.Colon && current == Emitted.Cast) // ": ::" must not fuse into ":::"
        || previous is not (Emitted.None or Emitted.OpenParen or Emitted.OpenBracket or Emitted.Dot or Emitted.Cast)
        && current is not (Emitted.CloseParen or Emitted.CloseBracket or Emitted.Comma or Emitted.Dot or Emitted.Cast or Emitted.OpenBracket)
        && !(current == Emitted.OpenParen && previous == Emitted.Identifier);

    private void Write(char c)
    {
        if (_length == _buffer!.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = c;
    }

    private void Write(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer!.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer!.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
