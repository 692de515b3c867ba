using Npgsql;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Store;

/// <summary>
/// A private cluster with pg_stat_statements loaded (<c>shared_preload_libraries</c>) and <c>compute_query_id</c> on,
/// shared by the Store tests: the run's own cluster starts without the library, and loading it needs a restart.
/// </summary>
public sealed class FleetCluster : IAsyncLifetime
{
    private static int s_counter;
    private TestPostgres? _server;

    public TestPostgres Server => _server ?? throw new InvalidOperationException("The cluster has not started.");

    public async ValueTask InitializeAsync()
    {
        var options = new TestPostgresOptions { ExternalConnectionString = null, Timeout = TimeSpan.FromSeconds(120) };
        options.ServerSettings["shared_preload_libraries"] = "pg_stat_statements";
        options.ServerSettings["compute_query_id"] = "on";
        _server = await TestPostgres.StartAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>A new database with pg_stat_statements and, unless <paramref name="rows"/> is 0, an analysed <c>items</c> table.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, int rows = 0)
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await Server.CreateDatabaseAsync(prefix + "_" + Interlocked.Increment(ref s_counter), ct);
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        var sql = "CREATE EXTENSION pg_stat_statements;";
        if (rows > 0)
        {
            sql += $"""
                CREATE TABLE items (id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, note text);
                INSERT INTO items SELECT g, g % 1000, 'item ' || g, NULL FROM generate_series(1, {rows}) g;
                ALTER TABLE items SET (parallel_workers = 0);
                """;
        }
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
        // On its own, after the insert committed: an ANALYZE in the inserting transaction reports its rows as not yet
        // live, and pg_stat_user_tables (QW009's live rows) shows 0 until the backend flushes its counts.
        if (rows > 0)
        {
            await using var analyze = new NpgsqlCommand("ANALYZE items", connection);
            await analyze.ExecuteNonQueryAsync(ct);
        }
        return cs;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
