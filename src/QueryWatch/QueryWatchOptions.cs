using QueryWatch.Rewrites;
using QueryWatch.Rules;

namespace QueryWatch;

/// <summary>
/// What QueryWatch captures, how often it explains, and what it logs. Bound from the
/// <c>QueryWatch</c> configuration section by <c>AddQueryWatch</c>, or set in <c>UseQueryWatch(o =&gt; ...)</c>.
/// Read once when a context's options are built; later changes to an instance have no effect.
/// </summary>
public sealed class QueryWatchOptions
{
    /// <summary>False turns QueryWatch off: the interceptor compares nothing and captures nothing. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A command that takes at least this long (for a query: from execution until its reader is disposed)
    /// is captured as <c>Slow</c>. Default: 500 ms. Must be greater than zero.
    /// A query tagged <c>querywatch:threshold=5s</c> uses its own, higher threshold.
    /// </summary>
    public TimeSpan SlowCommandThreshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Share (0 to 1) of captured commands that are explained; the rest are counted and dropped. Default: 1.0.</summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>
    /// The same statement shape (fingerprint) is explained at most once per this period, across all
    /// contexts of the process that share a connection string. Default: 10 minutes. Zero explains every capture.
    /// </summary>
    public TimeSpan ExplainCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many commands are explained per minute per connection string. Default: 30. Must be at least 1.</summary>
    public int MaxExplainsPerMinute { get; set; } = 30;

    /// <summary>
    /// Captured commands waiting for the explain worker. When full, new captures are dropped and counted
    /// (<c>querywatch.queue.dropped</c>); the application never waits. Default: 256. Must be at least 1.
    /// </summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// Where EXPLAIN runs, e.g. a replica with the same schema. Default: null, the application's own
    /// connection string (on a separate connection with Application Name <c>QueryWatch explain</c>).
    /// </summary>
    public string? ExplainConnectionString { get; set; }

    /// <summary>
    /// Adds ANALYZE and BUFFERS for a slow read-only SELECT (never for DML, a cancelled or a timed-out
    /// command), inside a READ ONLY transaction that is rolled back. This runs the query again.
    /// Default: false.
    /// </summary>
    public bool ExplainAnalyze { get; set; }

    /// <summary>statement_timeout for each EXPLAIN the worker sends. Default: 5 seconds. Must be greater than zero.</summary>
    public TimeSpan ExplainStatementTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Also explain commands that failed with an error other than a cancellation or timeout. Default: false.</summary>
    public bool ExplainFailedCommands { get; set; }

    /// <summary>
    /// Adds the raw SQL and the parameter values to log events. Off by default: events carry only the
    /// normalized SQL, where every literal is a placeholder. Default: false.
    /// </summary>
    public bool LogParameterValues { get; set; }

    /// <summary>Per-rule overrides keyed by rule id (<c>QW004</c>) or name. Default: empty, every rule with its defaults.</summary>
    public IDictionary<string, RuleOptions> Rules { get; private set; } = new Dictionary<string, RuleOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The opt-in rewrites (RW001–RW003: a DISTINCT dropped from an existence check; RW004: NOT IN (SELECT ...) as
    /// NOT EXISTS where the catalog proves it NULL-safe): <c>Off</c> by default,
    /// <c>Suggest</c> to log them, <c>Apply</c> to send verified ones in staging. See docs/rewrites.md.
    /// Default: Mode <c>Off</c>, Environments <c>Staging</c>, no disabled ids.
    /// </summary>
    public RewriteOptions Rewrites { get; set; } = new();

    /// <summary>
    /// When a finding on an estimated plan rests on a bet over one table (an index walked in order under a
    /// Limit with a Filter, a Nested Loop whose inner scan filters), measure it: one read-only SELECT over
    /// the first 10,000 rows in the plan's order, in a READ ONLY transaction that is rolled back, on
    /// QueryWatch's own connection, never for a statement that writes or locks or a condition that calls a
    /// function. The finding then carries the measured figure (Basis <c>Probed</c>). Default: true.
    /// </summary>
    public bool Probes { get; set; } = true;

    /// <summary>statement_timeout (and lock_timeout) of each probe; a probe cut short leaves its finding as it was. Default: 500 ms. Must be greater than zero.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often a command still running past <see cref="SlowCommandThreshold"/> is sampled in
    /// <c>pg_stat_activity</c> (its state, wait event and who blocks it), on a separate connection with
    /// Application Name <c>QueryWatch sampler</c>; the samples travel with the captured command (QW024
    /// lock-wait reads them). No query is sent while no command is past the threshold. Not with Npgsql
    /// multiplexing (a command has no fixed backend). Default: 500 ms. Zero turns live sampling off.
    /// </summary>
    public TimeSpan InFlightSampleInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A captured command still waiting for the worker after this long (for instance through an outage
    /// of the explain server) is dropped unexplained and counted (<c>querywatch.queue.dropped</c>, reason
    /// <c>stale</c>), so that after recovery the worker explains what is happening now. A capture is kept at
    /// least two back-offs (10 s) whatever this says. Default: 1 minute. Must be greater than zero.
    /// </summary>
    public TimeSpan MaxCaptureAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Parameter bytes one captured command may keep. Values are kept in order while they fit; a value
    /// that does not (a large <c>bytea</c>, text or array) is kept as its type and size only, and the
    /// command is then explained without it (<c>GENERIC_PLAN</c> where the server has it) or said to be
    /// unexplainable. Default: 256 KiB. Must be at least 0.
    /// </summary>
    public int MaxCapturedParameterBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Bytes (SQL text and kept parameter values) all captured commands waiting for the worker may hold
    /// together; a capture that would exceed it is dropped and counted (<c>querywatch.queue.dropped</c>,
    /// reason <c>bytes</c>). Default: 16 MiB. Must be at least 1.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How many times one statement (the same command text) may run in one DbContext instance before
    /// QueryWatch reports it as QW027 repeated-statement, an N+1: logged once per instance and statement,
    /// when the count reaches this number, with the count, the time the executions took together, the
    /// normalized SQL and the operation it ran in. A pooled context counts afresh for each lease.
    /// Default: 20. Zero turns the count off. Otherwise at least 2.
    /// </summary>
    public int RepeatedStatementThreshold { get; set; } = 20;

    /// <summary>
    /// The Store shared by a fleet of instances (<see cref="StoreOptions.ConnectionString"/>,
    /// <see cref="StoreOptions.CreateSchema"/>); see the README, "Many instances". Default: no store.
    /// </summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>
    /// The share of commands that were not captured (fast ones) offered to the worker for a baseline plan:
    /// an estimated EXPLAIN, no finding logged, remembered per statement (its plan's shape, when, how long
    /// the command took) so that when the statement later gets slow with another plan, QW026 plan-changed
    /// can say what it did before. At most one baseline per statement shape (fingerprint) per hour.
    /// Default: 0.0001 (one command in 10,000). 0 turns baselines off; must be between 0 and 1.
    /// </summary>
    public double BaselineSampleRate { get; set; } = 0.0001;

    /// <summary>The longest wait between two attempts on an unavailable or refusing server; internal so tests can shorten it.</summary>
    internal TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A copy that later changes to this instance (its rule table and rewrite options included) do not affect.</summary>
    internal QueryWatchOptions Clone()
    {
        var copy = (QueryWatchOptions)MemberwiseClone();
        copy.Rules = new Dictionary<string, RuleOptions>(Rules, StringComparer.OrdinalIgnoreCase);
        copy.Rewrites = (Rewrites ?? new RewriteOptions()).Clone();
        copy.Store = (Store ?? new StoreOptions()).Clone();
        return copy;
    }
}
