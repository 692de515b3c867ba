using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Testing;

namespace QueryWatch.Benchmarks;

/// <summary>
/// Seed incident 000 rebuilt at scale (issue 6, "Done means"): 3 million worker activities of 200
/// processes, an index on process_id and one on element_id, a few hundred error rows per process. The
/// existence check <c>SELECT DISTINCT ON (element_id) 1 ... LIMIT 1</c> runs through EF with rewrites in
/// Apply mode in Staging: the first execution runs the original, QueryWatch verifies the rewrite out of
/// band, the next ones run the rewrite. Prints both plans, the timings and the ratio.
/// Run: <c>dotnet run -c Release --project tests/QueryWatch.Benchmarks -- --seed000</c>. Not part of CI.
/// </summary>
internal static class Seed000Scenario
{
    private const int Rows = 3_000_000;
    private const int Processes = 200;
    private const int RewrittenRuns = 5;

    // The planner walks the element_id index in order, expecting an error row of the process about every
    // 1/303 of the way (as in the seed's plan); this process's error rows sit at the end of that order.
    private const string Setup = """
        CREATE TABLE process_workeractivity (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            process_id uuid NOT NULL,
            element_id uuid NOT NULL,
            state text NOT NULL);
        CREATE TEMP TABLE processes AS SELECT gen_random_uuid() AS id, n FROM generate_series(1, {1}) n;
        INSERT INTO process_workeractivity (process_id, element_id, state)
        SELECT process_id,
               CASE WHEN target AND state = 'error' THEN overlay(gen_random_uuid()::text PLACING 'ffff' FROM 1 FOR 4)::uuid ELSE gen_random_uuid() END,
               state
        FROM (SELECT p.id AS process_id, p.n = 1 AS target, CASE WHEN random() < 0.02 THEN 'error' ELSE 'done' END AS state
              FROM generate_series(1, {0}) g JOIN processes p ON p.n = 1 + g % {1}) s;
        CREATE INDEX process_workeractivity_process_id ON process_workeractivity (process_id);
        CREATE INDEX process_workeractivity_element_id ON process_workeractivity (element_id);
        """;

    private const string ExistenceCheck =
        "SELECT DISTINCT ON (element_id) 1 AS \"Value\" FROM process_workeractivity WHERE process_id = {0} AND state = 'error' LIMIT 1";

    public static async Task<int> RunAsync()
    {
        // Without a host, QueryWatch reads the environment from these variables.
        Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", "Staging");
        Environment.SetEnvironmentVariable("ASPNETCORE_ENVIRONMENT", null);
        await using var server = await TestPostgres.StartAsync(new TestPostgresOptions { Timeout = TimeSpan.FromMinutes(2) });
        var connectionString = await server.CreateDatabaseAsync("seed000");
        Console.WriteLine($"PostgreSQL {server.ServerVersion}; loading {Rows:N0} rows of {Processes} processes...");
        var load = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, Setup, Rows, Processes), connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
            // VACUUM refuses to run inside the implicit transaction of a multi-statement command.
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE process_workeractivity", connection) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"loaded in {load.Elapsed.TotalSeconds:F1} s");
        var target = await ScalarAsync<Guid>(connectionString, "SELECT id FROM processes WHERE n = 1", temp: true);
        var errors = await ScalarAsync<long>(connectionString, $"SELECT count(*) FROM process_workeractivity WHERE process_id = '{target}' AND state = 'error'");
        Console.WriteLine($"target process {target}: {errors} error rows");

        var events = new ConcurrentQueue<(int Id, string Message)>();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new EventProvider(events)));
        var options = new DbContextOptionsBuilder<DbContext>()
            .UseNpgsql(connectionString)
            .UseLoggerFactory(loggerFactory)
            .UseQueryWatch(o =>
            {
                o.SlowCommandThreshold = TimeSpan.FromMilliseconds(200);
                o.Rewrites.Mode = QueryWatch.Rewrites.RewriteMode.Apply;
            })
            .Options;

        await PrintPlanAsync(connectionString, "original", ExistenceCheck, target);
        await PrintPlanAsync(connectionString, "rewritten", ExistenceCheck.Replace("DISTINCT ON (element_id) ", "", StringComparison.Ordinal), target);

        var (first, firstResult) = await TimeAsync(options, target);
        Console.WriteLine($"execution 1 (original): {first.TotalMilliseconds:F1} ms -> [{string.Join(",", firstResult)}]");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!events.Any(e => e.Id == QueryWatchEventId.RewriteVerified))
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.WriteLine("no rewrite was verified within 60 s; events:\n" + string.Join("\n", events.Select(e => $"{e.Id}: {e.Message}")));
                return 1;
            }

            await Task.Delay(50);
        }

        var rewritten = new List<double>();
        for (var i = 0; i < RewrittenRuns; i++)
        {
            var (elapsed, result) = await TimeAsync(options, target);
            rewritten.Add(elapsed.TotalMilliseconds);
            Console.WriteLine($"execution {i + 2} (rewritten): {elapsed.TotalMilliseconds:F1} ms -> [{string.Join(",", result)}]");
        }

        rewritten.Sort();
        var median = rewritten[rewritten.Count / 2];
        foreach (var (id, message) in events.Where(e => e.Id >= 4000)) Console.WriteLine($"event {id}: {message}");
        Console.WriteLine($"original {first.TotalMilliseconds:F1} ms, rewritten median {median:F2} ms: {first.TotalMilliseconds / median:F0}x faster");
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, List<int> Result)> TimeAsync(DbContextOptions<DbContext> options, Guid process)
    {
        await using var context = new DbContext(options);
        var started = Stopwatch.GetTimestamp();
        var result = await context.Database.SqlQueryRaw<int>(ExistenceCheck, process).ToListAsync();
        return (Stopwatch.GetElapsedTime(started), result);
    }

    private static async Task PrintPlanAsync(string connectionString, string label, string sql, Guid process)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + sql.Replace("{0}", "$1", StringComparison.Ordinal), connection);
        command.Parameters.Add(new NpgsqlParameter { Value = process });
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine($"{label} plan:");
        while (await reader.ReadAsync()) Console.WriteLine("  " + reader.GetString(0));
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, bool temp = false)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The processes table was a temporary table of the loading session: read the target back from the data instead.
        if (temp) sql = "SELECT process_id FROM process_workeractivity WHERE element_id >= 'ffff0000-0000-0000-0000-000000000000' AND state = 'error' LIMIT 1";
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed class EventProvider(ConcurrentQueue<(int Id, string Message)> events) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new EventLogger(categoryName, events);

        public void Dispose()
        {
        }
    }

    private sealed class EventLogger(string category, ConcurrentQueue<(int Id, string Message)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category == QueryWatch.Diagnostics.Log.Category;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => events.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
