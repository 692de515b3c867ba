namespace QueryWatch.Testing;

/// <summary>How <see cref="TestPostgres.StartAsync"/> starts (or finds) its server.</summary>
public sealed class TestPostgresOptions
{
    /// <summary>The environment variable naming an existing server to use instead of starting one.</summary>
    public const string ConnectionEnvironmentVariable = "QUERYWATCH_TEST_CONNECTION";

    // Not public: DESIGN.md names the variable, not a constant for it.
    internal const string BinDirectoryEnvironmentVariable = "QUERYWATCH_PG_BINDIR";

    /// <summary>
    /// Server settings written to the new cluster's <c>postgresql.conf</c>, name to value, e.g.
    /// <c>shared_preload_libraries = pg_stat_statements</c> or <c>compute_query_id = on</c>.
    /// They apply on top of the settings that make a throwaway cluster fast (<c>fsync = off</c>…).
    /// Ignored when an external server is used.
    /// </summary>
    public IDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The directory holding <c>initdb</c> and <c>pg_ctl</c>. Defaults to the value of
    /// <c>QUERYWATCH_PG_BINDIR</c>; when null they are looked for with <c>pg_config --bindir</c>,
    /// then in the highest <c>/usr/lib/postgresql/*/bin</c>, then on PATH.
    /// </summary>
    public string? BinDirectory { get; set; } = NullIfEmpty(Environment.GetEnvironmentVariable(BinDirectoryEnvironmentVariable));

    /// <summary>
    /// The connection string of an existing server to use instead of starting one (nothing is then
    /// started or removed). Defaults to the value of <c>QUERYWATCH_TEST_CONNECTION</c>; set it to
    /// null to always start a private cluster.
    /// </summary>
    public string? ExternalConnectionString { get; set; } = NullIfEmpty(Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable));

    /// <summary>How long each step (initdb, start, first connection) may take before start fails. Default 60 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
