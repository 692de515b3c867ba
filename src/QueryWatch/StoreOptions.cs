namespace QueryWatch;

/// <summary>
/// The opt-in Store: QueryWatch's state shared by a fleet of application instances, kept in schema
/// <c>querywatch</c> of a PostgreSQL database (the application's or another). With it one instance wins
/// the right to explain a statement shape per <see cref="QueryWatchOptions.ExplainCooldown"/> and the
/// others only count it, and findings are aggregated for <c>querywatch report</c>. Bound from the
/// <c>Store</c> key of the <c>QueryWatch</c> configuration section. Off by default.
/// </summary>
public sealed class StoreOptions
{
    /// <summary>
    /// The database that holds schema <c>querywatch</c>; null (default) keeps every state in the process.
    /// A store that is down or refuses costs a warning and a fall-back to the process's own cooldown.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Create or upgrade schema <c>querywatch</c> when the worker first connects. Default: false: the schema
    /// is created by <c>querywatch store init</c> or by running docs/store.sql, for an application role
    /// that may not run DDL.
    /// </summary>
    public bool CreateSchema { get; set; }

    /// <summary>A copy that later changes to this instance do not affect.</summary>
    internal StoreOptions Clone() => new() { ConnectionString = ConnectionString, CreateSchema = CreateSchema };
}
