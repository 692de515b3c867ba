namespace QueryWatch.Sql;

/// <summary>What a statement does, from its leading keyword (after any <c>WITH</c> list).</summary>
internal enum SqlStatementKind
{
    /// <summary><c>SELECT</c>, also when parenthesised or after <c>WITH</c>.</summary>
    Select,

    /// <summary><c>INSERT</c>.</summary>
    Insert,

    /// <summary><c>UPDATE</c>.</summary>
    Update,

    /// <summary><c>DELETE</c>.</summary>
    Delete,

    /// <summary><c>MERGE</c>.</summary>
    Merge,

    /// <summary><c>VALUES (...)</c>.</summary>
    Values,

    /// <summary><c>TABLE name</c>.</summary>
    Table,

    /// <summary><c>EXPLAIN</c> of anything.</summary>
    Explain,

    /// <summary><c>CREATE</c>, <c>ALTER</c>, <c>DROP</c>, <c>TRUNCATE</c>, <c>COMMENT</c>, <c>GRANT</c>, <c>REVOKE</c>...</summary>
    Ddl,

    /// <summary><c>SET</c>, <c>SHOW</c>, <c>COPY</c>, <c>VACUUM</c>, transaction control, <c>CALL</c>, <c>DO</c>, <c>LOCK</c>...</summary>
    Utility,

    /// <summary>Nothing but whitespace and comments.</summary>
    Empty,

    /// <summary>Anything else (unknown leading word, or none).</summary>
    Other,
}
