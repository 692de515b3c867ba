using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace QueryWatch.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests and samples: created with the local <c>initdb</c> in a
/// fresh temporary directory, started on a free loopback port, stopped and deleted on dispose (also
/// when the test process dies). When <c>QUERYWATCH_TEST_CONNECTION</c> is set, that server is used
/// instead and nothing is started or removed.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly ClusterWatchdog? _watchdog;
    private readonly string? _clusterDirectory;
    private readonly List<string> _connectionStrings = [];
    private int _disposed;

    private TestPostgres(string connectionString, int port, string dataDirectory, Version serverVersion,
        ClusterWatchdog? watchdog, string? clusterDirectory)
    {
        ConnectionString = connectionString;
        Port = port;
        DataDirectory = dataDirectory;
        ServerVersion = serverVersion;
        _watchdog = watchdog;
        _clusterDirectory = clusterDirectory;
        _connectionStrings.Add(connectionString);
        if (watchdog is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += OnProcessEnding;
            AppDomain.CurrentDomain.UnhandledException += OnProcessEnding;
        }
    }

    /// <summary>Connection string to the <c>postgres</c> database as user <c>postgres</c> on <c>127.0.0.1:</c><see cref="Port"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>The TCP port the server listens on (loopback only).</summary>
    public int Port { get; }

    /// <summary>The cluster's data directory; empty for an external server (<see cref="IsExternal"/>).</summary>
    public string DataDirectory { get; }

    /// <summary>True when the server came from <c>QUERYWATCH_TEST_CONNECTION</c> (or <see cref="TestPostgresOptions.ExternalConnectionString"/>) and was not started here.</summary>
    public bool IsExternal => _watchdog is null;

    /// <summary>The server's version, e.g. 16.4.</summary>
    public Version ServerVersion { get; }

    /// <summary>
    /// Starts a private cluster (or connects to the external one) and returns once it accepts connections.
    /// Throws <see cref="InvalidOperationException"/> with a one-line message saying how to install
    /// PostgreSQL when no server binaries are found.
    /// </summary>
    public static async Task<TestPostgres> StartAsync(TestPostgresOptions? options = null, CancellationToken ct = default)
    {
        options ??= new TestPostgresOptions();
        // Before any context of the test run exists: EF caches "nobody listens" per context for a second.
        EfCommandListener.Listen();
        if (options.ExternalConnectionString is { } external)
            return await ConnectExternalAsync(external, options.Timeout, ct).ConfigureAwait(false);

        var tempRoot = TempRoot();
        StaleClusterSweeper.Sweep(tempRoot);
        var bin = await PostgresBinaries.LocateAsync(options.BinDirectory, ct).ConfigureAwait(false);

        var clusterDirectory = Path.Combine(tempRoot, string.Create(CultureInfo.InvariantCulture,
            $"{StaleClusterSweeper.DirectoryPrefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"));
        var dataDirectory = Path.Combine(clusterDirectory, "data");
        Directory.CreateDirectory(clusterDirectory);
        // From here on the watchdog owns the directory: whatever happens next, it is removed.
        var watchdog = ClusterWatchdog.Start(dataDirectory, clusterDirectory);
        try
        {
            if (ProcessRunner.IsRoot) await ChownToPostgresAsync(clusterDirectory, ct).ConfigureAwait(false);
            await InitDbAsync(bin, dataDirectory, options, ct).ConfigureAwait(false);
            WriteSettings(dataDirectory, clusterDirectory, options.ServerSettings);
            var port = await StartServerAsync(bin, dataDirectory, clusterDirectory, options.Timeout, ct).ConfigureAwait(false);
            var connectionString = BuildConnectionString(port, "postgres");
            var version = await QueryVersionAsync(connectionString, options.Timeout, ct).ConfigureAwait(false);
            return new TestPostgres(connectionString, port, dataDirectory, version, watchdog, clusterDirectory);
        }
        catch
        {
            await watchdog.StopClusterAsync(StopTimeout).ConfigureAwait(false);
            watchdog.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a database and returns its connection string. On an external server an existing
    /// database of that name is dropped first, so the caller always gets an empty one.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            if (IsExternal) await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE DATABASE {quoted}", ct).ConfigureAwait(false);
        }
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        var cs = builder.ConnectionString;
        lock (_connectionStrings) _connectionStrings.Add(cs);
        return cs;
    }

    /// <summary>Stops the server (immediate shutdown) and deletes its directory; nothing for an external server.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _watchdog is null) return;
        Unhook();
        ClearPools();
        if (!_watchdog.StopCluster(StopTimeout)) TryDeleteDirectory();
        _watchdog.Dispose();
    }

    /// <summary>Stops the server (immediate shutdown) and deletes its directory; nothing for an external server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _watchdog is null) return;
        Unhook();
        ClearPools();
        if (!await _watchdog.StopClusterAsync(StopTimeout).ConfigureAwait(false)) TryDeleteDirectory();
        _watchdog.Dispose();
    }

    private void OnProcessEnding(object? sender, EventArgs e) => Dispose();

    private void Unhook()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessEnding;
        AppDomain.CurrentDomain.UnhandledException -= OnProcessEnding;
    }

    private void ClearPools()
    {
        // Pooled connections to a server that is about to vanish would fail their next use.
        string[] all;
        lock (_connectionStrings) all = [.. _connectionStrings];
        foreach (var cs in all)
        {
            using var connection = new NpgsqlConnection(cs);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private void TryDeleteDirectory()
    {
        try
        {
            if (_clusterDirectory is not null && Directory.Exists(_clusterDirectory)) Directory.Delete(_clusterDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next start's sweep removes it once this process is gone.
        }
    }

    private static async Task<TestPostgres> ConnectExternalAsync(string connectionString, TimeSpan timeout, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var version = await QueryVersionAsync(connectionString, timeout, ct).ConfigureAwait(false);
        return new TestPostgres(connectionString, builder.Port, "", version, watchdog: null, clusterDirectory: null);
    }

    /// <summary>As root the cluster runs as <c>postgres</c>, which must reach the directory: /tmp, not root's own TMPDIR.</summary>
    private static string TempRoot() => ProcessRunner.IsRoot ? "/tmp" : Path.GetTempPath();

    private static async Task ChownToPostgresAsync(string directory, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync("chown", [ProcessRunner.PostgresUser + ":", directory], asPostgresUser: false,
            TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"Running as root, the cluster must belong to the OS user 'postgres' (chown failed: {FirstLine(result.Output)}); create that user or set QUERYWATCH_TEST_CONNECTION.");
    }

    private static async Task InitDbAsync(string bin, string dataDirectory, TestPostgresOptions options, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
            asPostgresUser: true, options.Timeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"initdb failed (exit {result.ExitCode}): {LastMeaningfulLine(result.Output)}");
    }

    private static void WriteSettings(string dataDirectory, string clusterDirectory, IDictionary<string, string> userSettings)
    {
        // Durability is worthless for a cluster deleted after the run; these make writes cheap.
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "127.0.0.1",
            ["unix_socket_directories"] = clusterDirectory,
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["max_connections"] = "100",
        };
        foreach (var (name, value) in userSettings) settings[name] = value;

        var text = new StringBuilder("\n# QueryWatch.Testing\n");
        foreach (var (name, value) in settings)
            text.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        // Written as root when root: root may write a file postgres owns, and the server only reads it.
        File.AppendAllText(Path.Combine(dataDirectory, "postgresql.conf"), text.ToString());
    }

    private static async Task<int> StartServerAsync(string bin, string dataDirectory, string clusterDirectory, TimeSpan timeout, CancellationToken ct)
    {
        var log = Path.Combine(clusterDirectory, "postgres.log");
        for (var attempt = 1; ; attempt++)
        {
            // The port is free when asked for, but another process may take it before the server binds:
            // a bind failure is retried on a new port.
            var port = FreeLoopbackPort();
            var result = await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"),
                ["start", "-D", dataDirectory, "-w", "-s", "-t", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                 "-l", log, "-o", "-p " + port.ToString(CultureInfo.InvariantCulture)],
                asPostgresUser: true, timeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            if (result.ExitCode == 0) return port;

            var logText = File.Exists(log) ? await File.ReadAllTextAsync(log, ct).ConfigureAwait(false) : "";
            if (attempt < 5 && logText.Contains("could not bind", StringComparison.Ordinal)) continue;
            throw new InvalidOperationException(
                $"PostgreSQL did not start (pg_ctl exit {result.ExitCode}): {LastMeaningfulLine(logText.Length > 0 ? logText : result.Output)}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string BuildConnectionString(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    private static async Task<Version> QueryVersionAsync(string connectionString, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cts.Token).ConfigureAwait(false);
        return connection.PostgreSqlVersion;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    /// <summary>The server's and initdb's reason is the last FATAL/ERROR line, or failing that the last line.</summary>
    private static string LastMeaningfulLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase))
               ?? lines.LastOrDefault() ?? "no output";
    }
}
