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
        var ct = TestContext.Current.CancellationToken;
        // QUERYWATCH_PG_BINDIR may point the run at any major version; its settings depend on it.
        int? major = null;
        if (options.ExternalConnectionString is null)
            major = PostgresVersions.MajorVersionOf(options.BinDirectory ?? await PostgresBinaries.LocateAsync(null, ct));
        PostgresVersions.AddServerSettings(options, major);
        _server = await TestPostgres.StartAsync(options, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
