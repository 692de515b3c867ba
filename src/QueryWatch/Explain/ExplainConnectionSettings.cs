using Npgsql;

namespace QueryWatch.Explain;

/// <summary>
/// The worker's connection settings. They replace whatever the copied connection string says
/// (an application may run with <c>Command Timeout=0</c>), so a server or proxy that stops answering
/// costs the worker a bounded wait, a warning and a back-off, never a frozen queue (issue #16).
/// </summary>
internal static class ExplainConnectionSettings
{
    /// <summary>Seconds to open a connection (Npgsql's <c>Timeout</c>, default 15).</summary>
    public const int ConnectTimeoutSeconds = 5;

    /// <summary>Seconds a command may wait on the client beyond the server-side statement_timeout.</summary>
    public const int CommandTimeoutMarginSeconds = 2;

    /// <summary>
    /// Milliseconds to wait for the server to answer a cancellation before the socket is closed
    /// (Npgsql's <c>Cancellation Timeout</c>; 0 would wait forever).
    /// </summary>
    public const int CancellationTimeoutMilliseconds = 2000;

    /// <summary>Seconds of idleness before Npgsql checks a pooled connection (<c>Keepalive</c>).</summary>
    public const int KeepAliveSeconds = 30;

    /// <summary>TCP keepalive: first probe after this many idle seconds, then every <see cref="TcpKeepAliveIntervalSeconds"/>.</summary>
    public const int TcpKeepAliveTimeSeconds = 30;

    /// <summary>Seconds between unanswered TCP keepalive probes.</summary>
    public const int TcpKeepAliveIntervalSeconds = 5;

    /// <summary>How long stopping the pipeline waits for a worker stuck in a server call before abandoning it.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a server call can hang before it fails: the command timeout, then Npgsql's cancel
    /// request, which opens a new connection and waits for the server to close it, each up to the
    /// connect timeout (measured through a stalled proxy: 6 s + 2 x 5 s), then the cancellation wait.
    /// </summary>
    public static TimeSpan StallBound(TimeSpan explainStatementTimeout)
        => TimeSpan.FromSeconds(CommandTimeoutSeconds(explainStatementTimeout) + 2 * ConnectTimeoutSeconds)
            + TimeSpan.FromMilliseconds(CancellationTimeoutMilliseconds);

    private static int CommandTimeoutSeconds(TimeSpan explainStatementTimeout)
        => (int)Math.Ceiling(explainStatementTimeout.TotalSeconds) + CommandTimeoutMarginSeconds;

    /// <summary>The worker's connection string: <paramref name="connectionString"/> with the worker's own settings.</summary>
    public static string For(string connectionString, TimeSpan explainStatementTimeout)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "QueryWatch explain",
            // One explain at a time: the worker needs one connection, a second covers a broken one.
            MaxPoolSize = 2,
            Timeout = ConnectTimeoutSeconds,
            // statement_timeout ends a slow EXPLAIN on the server; this ends one the server never answers.
            CommandTimeout = CommandTimeoutSeconds(explainStatementTimeout),
            CancellationTimeout = CancellationTimeoutMilliseconds,
            KeepAlive = KeepAliveSeconds,
            TcpKeepAlive = true,
            TcpKeepAliveTime = TcpKeepAliveTimeSeconds,
            TcpKeepAliveInterval = TcpKeepAliveIntervalSeconds,
            // The worker resets its session itself after every explain (StatementExplainer).
            NoResetOnClose = false,
            // An application that multiplexes hands its connection string over as it is: Npgsql refuses
            // Keepalive with multiplexing (NotImplementedException), and one explain at a time gains nothing from it.
            Multiplexing = false,
        };
        return builder.ConnectionString;
    }
}
