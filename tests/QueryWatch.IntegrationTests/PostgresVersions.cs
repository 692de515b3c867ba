using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using QueryWatch.Testing;

[assembly: AssemblyFixture(typeof(QueryWatch.IntegrationTests.PostgresVersions))]

namespace QueryWatch.IntegrationTests;

/// <summary>
/// The servers the version-sensitive tests (plan parity, live rule scenarios) run on: the run's own
/// cluster (<see cref="Default"/>, <see cref="PostgresFixture"/>) and one more cluster per bin
/// directory listed in <c>QUERYWATCH_PG_BINDIRS</c> (a path list; .ci/run sets it to PostgreSQL 13,
/// 14, 16, 17 and 18). Without it those tests run on the default server only. Each extra cluster is
/// started on first use (all of them at once) and shared by every test; databases built on it are
/// cached by name.
/// </summary>
public sealed partial class PostgresVersions : IAsyncDisposable
{
    public const string EnvironmentVariable = "QUERYWATCH_PG_BINDIRS";
    public const string Default = "default";

    private static readonly Lazy<IReadOnlyList<(string Name, string BinDirectory, int? Major)>> s_extra = new(Discover);

    private readonly ConcurrentDictionary<string, Lazy<Task<TestPostgres>>> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Server, string Database), Lazy<Task<string>>> _databases = new();

    /// <summary>Theory data: <see cref="Default"/>, then "pg13", "pg14"… for each listed bin directory.</summary>
    public static IReadOnlyList<string> Names { get; } = [Default, .. s_extra.Value.Select(v => v.Name)];

    /// <summary>
    /// The settings every cluster of the run starts with. <c>compute_query_id</c> (the Query
    /// Identifier EXPLAIN VERBOSE prints) exists from PostgreSQL 14; 13 refuses to start with it.
    /// </summary>
    public static void AddServerSettings(TestPostgresOptions options, int? major)
    {
        if (major is null or >= 14) options.ServerSettings["compute_query_id"] = "on";
        // Test classes run in parallel on one cluster and several force parallel plans; with the
        // default pool of 8 a query could launch fewer workers than planned when another held them,
        // and its TEXT and JSON captures then differed (seen once in the parity set under load).
        options.ServerSettings["max_worker_processes"] = "64";
        options.ServerSettings["max_parallel_workers"] = "64";
    }

    /// <summary>The major version of the server programs in <paramref name="binDirectory"/> (<c>postgres --version</c>), or null.</summary>
    public static int? MajorVersionOf(string binDirectory)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Path.Combine(binDirectory, "postgres"), "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000)) return null;
            var m = VersionPattern().Match(output);
            return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>The server named <paramref name="name"/>: the run's own cluster for <see cref="Default"/>.</summary>
    public Task<TestPostgres> ServerAsync(string name, PostgresFixture postgres)
    {
        if (name == Default) return Task.FromResult(postgres.Server);
        // Starting one cluster takes a few seconds, mostly initdb waiting on the disk: start them all together.
        foreach (var (other, bin, major) in s_extra.Value)
            _ = _servers.GetOrAdd(other, _ => new Lazy<Task<TestPostgres>>(() => StartAsync(bin, major))).Value;
        return _servers.TryGetValue(name, out var server)
            ? server.Value
            : throw new ArgumentOutOfRangeException(nameof(name), name, "not a server of " + EnvironmentVariable);
    }

    /// <summary>
    /// The connection string of database <paramref name="database"/> on server <paramref name="name"/>,
    /// created and filled by <paramref name="build"/> on first use. Not for <see cref="Default"/>,
    /// whose databases the test classes' own fixtures build.
    /// </summary>
    public Task<string> DatabaseAsync(string name, PostgresFixture postgres, string database, Func<string, CancellationToken, Task> build)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(name, Default);
        return _databases.GetOrAdd((name, database), key => new Lazy<Task<string>>(async () =>
        {
            var server = await ServerAsync(key.Server, postgres);
            var cs = await server.CreateDatabaseAsync(key.Database);
            // Shared by every test of the run: not cancelled with the test that happened to ask first.
            await build(cs, CancellationToken.None);
            return cs;
        })).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            if (server.Value.IsCompletedSuccessfully) await server.Value.Result.DisposeAsync();
        }
    }

    private static async Task<TestPostgres> StartAsync(string binDirectory, int? major)
    {
        // An explicit bin directory: QUERYWATCH_TEST_CONNECTION names the default server, not these.
        var options = new TestPostgresOptions { BinDirectory = binDirectory, ExternalConnectionString = null, Timeout = TimeSpan.FromSeconds(120) };
        AddServerSettings(options, major);
        return await TestPostgres.StartAsync(options);
    }

    private static List<(string, string, int?)> Discover()
    {
        var list = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var result = new List<(string, string, int?)>();
        if (string.IsNullOrWhiteSpace(list)) return result;
        foreach (var dir in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var major = MajorVersionOf(dir);
            // A bin directory whose programs do not run (a failed install) stays in the matrix under
            // its position, so its tests fail with the reason instead of vanishing from the run.
            var name = major is { } m ? "pg" + m.ToString(CultureInfo.InvariantCulture) : "unusable" + (result.Count + 1).ToString(CultureInfo.InvariantCulture);
            if (result.Any(r => r.Item1 == name)) name += "_" + (result.Count + 1).ToString(CultureInfo.InvariantCulture);
            result.Add((name, dir, major));
        }
        return result;
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex VersionPattern();
}
