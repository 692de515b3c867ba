namespace QueryWatch.Explain;

/// <summary>
/// What the catalog says of the walked index: its key columns in order (a null column is an expression
/// key), whether it is a b-tree (the only kind with an order), and its predicate when it is partial
/// (as <c>pg_get_expr</c> prints it, columns unqualified).
/// </summary>
internal sealed record ProbeIndexOrder(IReadOnlyList<ProbeIndexKey> Keys, bool IsBtree, string? Predicate);
