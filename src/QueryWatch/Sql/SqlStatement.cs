namespace QueryWatch.Sql;

/// <summary>One statement of a script, as <see cref="SqlStatementSplitter"/> cut it.</summary>
/// <param name="Text">The statement without its terminating semicolon and surrounding whitespace; comments kept (EF tags live there).</param>
/// <param name="Start">Offset of <paramref name="Text"/> in the script.</param>
/// <param name="Length">Length of <paramref name="Text"/>.</param>
/// <param name="Kind">What the statement does.</param>
internal sealed record SqlStatement(string Text, int Start, int Length, SqlStatementKind Kind)
{
    /// <summary>
    /// True for a <c>SELECT</c>, <c>VALUES</c> or <c>TABLE</c> (a <c>WITH</c> included) that
    /// cannot change data as far as its text shows: no <c>INSERT</c>/<c>UPDATE</c>/<c>DELETE</c>/<c>MERGE</c>
    /// anywhere (a data-modifying CTE), no locking clause, no <c>SELECT ... INTO</c>. Functions that
    /// write cannot be seen from SQL: run it in a <c>READ ONLY</c> transaction all the same.
    /// </summary>
    public bool IsReadOnlySelect { get; } = SqlStatementClassifier.IsReadOnlySelect(Text, Kind);
}
