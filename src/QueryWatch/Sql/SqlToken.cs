namespace QueryWatch.Sql;

/// <summary>One token: a span of the source text, never a copy of it.</summary>
/// <param name="Kind">What the span is.</param>
/// <param name="Start">Offset of the first character in the source.</param>
/// <param name="Length">Number of characters; never zero.</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length)
{
    /// <summary>Offset just past the last character.</summary>
    public int End => Start + Length;

    /// <summary>True for whitespace and comments, which carry no meaning for PostgreSQL.</summary>
    public bool IsTrivia => Kind is SqlTokenKind.Whitespace or SqlTokenKind.LineComment or SqlTokenKind.BlockComment;

    /// <summary>True for an unquoted word, keyword or not.</summary>
    public bool IsWord => Kind is SqlTokenKind.Identifier or SqlTokenKind.Keyword;

    /// <summary>The token's text within <paramref name="source"/>.</summary>
    public ReadOnlySpan<char> Text(ReadOnlySpan<char> source) => source.Slice(Start, Length);
}
