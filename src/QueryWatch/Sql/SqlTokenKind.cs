namespace QueryWatch.Sql;

/// <summary>What a <see cref="SqlToken"/> is, as PostgreSQL's lexer would see it.</summary>
internal enum SqlTokenKind
{
    /// <summary>Spaces, tabs, line breaks, form feeds.</summary>
    Whitespace,

    /// <summary><c>-- ...</c> up to (not including) the line break.</summary>
    LineComment,

    /// <summary><c>/* ... */</c>, nested as PostgreSQL nests them; an unterminated one runs to the end.</summary>
    BlockComment,

    /// <summary>An unquoted word that is not a keyword (or any unquoted word when keywords are not classified).</summary>
    Identifier,

    /// <summary><c>"Name"</c> or <c>U&amp;"..."</c>.</summary>
    QuotedIdentifier,

    /// <summary>An unquoted word in <see cref="SqlKeywords"/>.</summary>
    Keyword,

    /// <summary><c>'...'</c>, <c>E'...'</c>, <c>U&amp;'...'</c>, <c>B'...'</c>, <c>X'...'</c>, <c>N'...'</c>, <c>$tag$...$tag$</c>.</summary>
    String,

    /// <summary>Integer, decimal, exponent, <c>0x</c>/<c>0o</c>/<c>0b</c> forms, with <c>_</c> separators.</summary>
    Number,

    /// <summary>A placeholder: <c>$1</c>, <c>@p0</c>, <c>@__id_0</c>, <c>:name</c>.</summary>
    Parameter,

    /// <summary>A run of operator characters cut by PostgreSQL's rules: <c>=</c>, <c>&lt;=</c>, <c>-&gt;&gt;</c>, <c>@&gt;</c>, <c>:=</c>.</summary>
    Operator,

    /// <summary>One of <c>( ) , ; [ ] .</c> or a lone <c>:</c>.</summary>
    Punctuation,

    /// <summary><c>::</c>.</summary>
    Cast,

    /// <summary>A character PostgreSQL's lexer would reject (<c>{</c>, <c>\</c>, a lone <c>$</c>...), one per token.</summary>
    Other,
}
