using Microsoft.EntityFrameworkCore;
using QueryWatch.Testing;

[assembly: AssemblyFixture(typeof(QueryWatch.Samples.Tests.ShopDatabase))]

namespace QueryWatch.Samples.Tests;

/// <summary>
/// A throwaway PostgreSQL with the shop's schema and a few hundred rows, analyzed: a test database
/// is small, and QueryWatch judges the shape of its plans (see "In your tests" in the README).
/// </summary>
public sealed class ShopDatabase : IAsyncLifetime
{
    private TestPostgres? _server;
    private string _connectionString = "";

    public ShopDb NewContext() => new(new DbContextOptionsBuilder<ShopDb>().UseNpgsql(_connectionString).Options);

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _server = await TestPostgres.StartAsync(ct: ct);
        _connectionString = await _server.CreateDatabaseAsync("shop", ct);
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync(ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO customers ("Id", "Name") OVERRIDING SYSTEM VALUE SELECT g, 'customer ' || g FROM generate_series(1, 300) g;
            INSERT INTO orders ("Id", "CustomerId", "Open", "Total") OVERRIDING SYSTEM VALUE
              SELECT g, 1 + g % 250, g % 10 = 0, g FROM generate_series(1, 3000) g;
            ANALYZE customers; ANALYZE orders;
            """, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
