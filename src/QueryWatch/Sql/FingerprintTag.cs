namespace QueryWatch.Sql;

/// <summary>
/// What kind of normalized token <see cref="FingerprintHasher"/> mixes in. A keyword and an
/// identifier spelled alike hash alike (classification is text-only). The numbers are part of
/// every stored id: never renumber.
/// </summary>
internal enum FingerprintTag
{
    /// <summary>An unquoted word, folded to lower case.</summary>
    Word = 1,

    /// <summary>A quoted identifier, as written.</summary>
    QuotedIdentifier,

    /// <summary>A constant or placeholder; no text.</summary>
    Constant,

    /// <summary>A collapsed list of constants; no text.</summary>
    List,

    /// <summary>An operator, as written.</summary>
    Operator,

    /// <summary>One punctuation character.</summary>
    Punctuation,

    /// <summary><c>::</c>.</summary>
    Cast,

    /// <summary>A character PostgreSQL's lexer would reject.</summary>
    Other,
}
