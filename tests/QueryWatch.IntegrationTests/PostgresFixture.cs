using System.Globalization;
using System.Threading;
using QueryWatch.Testing;

[assembly: AssemblyFixture(typeof(QueryWatch.IntegrationTests.PostgresFixture))]

namespace QueryWatch.IntegrationTests;

/// <summary>
/// The one PostgreSQL cluster of a test run, shared by every integration test. A test class that
/// needs isolation creates its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static int s_databaseCounter;
    private TestPostgres? _server;

    public TestPostgres Server => _server ?? throw new InvalidOperationException("The cluster has not started.");

    public string ConnectionString => Server.ConnectionString;

    /// <summary>A new, empty database named after <paramref name="prefix"/>; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct = default)
    {
        var n = Interlocked.Increment(ref s_databaseCounter);
        return Server.CreateDatabaseAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix.ToLowerInvariant()}_{n}"), ct);
    }

    public async ValueTask InitializeAsync()
    {
        var options = new TestPostgresOptions();
        // The query identifier EXPLAIN VERBOSE prints, and the one QueryWatch logs as QueryId.
        options.ServerSettings["compute_query_id"] = "on";
        // Test classes run in parallel on this one cluster and several force parallel plans; with the
        // default pool of 8 a query could launch fewer workers than planned when another held them,
        // and its TEXT and JSON captures then differed (seen once in the parity set under load).
        options.ServerSettings["max_worker_processes"] = "64";
        options.ServerSettings["max_parallel_workers"] = "64";
        _server = await TestPostgres.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
