using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// Allocation-free enumerator over the tokens of a span (usable with <c>foreach</c>). It is a
/// value: copy it to look ahead without moving the original.
/// </summary>
internal ref struct SqlTokenizer
{
    private readonly ReadOnlySpan<char> _sql;
    private readonly bool _classifyKeywords;
    private int _position;

    /// <summary>Starts before the first token of <paramref name="sql"/>.</summary>
    public SqlTokenizer(ReadOnlySpan<char> sql, bool classifyKeywords = true)
    {
        _sql = sql;
        _classifyKeywords = classifyKeywords;
    }

    /// <summary>The token the last successful <see cref="MoveNext"/> read.</summary>
    public SqlToken Current { get; private set; }

    /// <summary>The text being tokenized.</summary>
    public readonly ReadOnlySpan<char> Source => _sql;

    /// <summary>Reads the next token; false at the end of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (_position >= _sql.Length)
        {
            return false;
        }

        // Single spaces and punctuation are half the tokens of generated SQL: skip the full scanner.
        var c = _sql[_position];
        var next = _position + 1 < _sql.Length ? _sql[_position + 1] : '\0';
        var kind = c switch
        {
            ' ' when next is not (' ' or '\t' or '\n' or '\r' or '\f' or '\v') => SqlTokenKind.Whitespace,
            '(' or ')' or ',' or ';' or '[' or ']' => SqlTokenKind.Punctuation,
            '.' when next is not (>= '0' and <= '9') => SqlTokenKind.Punctuation,
            _ => SqlTokenKind.Other,
        };

        Current = kind == SqlTokenKind.Other
            ? SqlLexer.ReadToken(_sql, _position, _classifyKeywords)
            : new SqlToken(kind, _position, 1);
        _position = Current.End;
        return true;
    }

    /// <summary>Reads the next token that is not whitespace or a comment; false at the end of the input.</summary>
    public bool MoveNextSignificant()
    {
        while (MoveNext())
        {
            if (!Current.IsTrivia)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lets <c>foreach</c> use the tokenizer directly.</summary>
    public readonly SqlTokenizer GetEnumerator() => this;
}
