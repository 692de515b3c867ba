using Npgsql;

namespace QueryWatch.IntegrationTests.Plans;

/// <summary>
/// A database of its own for the parity queries: small enough to build in a second or two on two
/// cores, shaped so the planner can be pushed into every node type. Autovacuum is off on these
/// tables so statistics and the visibility map stay exactly as built between the TEXT and JSON runs.
/// </summary>
public sealed class ParityDatabase(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Schema = """
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region int NOT NULL, created date NOT NULL)
            WITH (autovacuum_enabled = off);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2) NOT NULL,
            status text NOT NULL, created_at timestamp NOT NULL, note text NOT NULL)
            WITH (autovacuum_enabled = off);
        CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, category int NOT NULL)
            WITH (autovacuum_enabled = off);
        CREATE TABLE order_lines (order_id int NOT NULL, product_id int NOT NULL, qty int NOT NULL)
            WITH (autovacuum_enabled = off);

        INSERT INTO customers
        SELECT g, 'customer ' || g, g % 10, date '2020-01-01' + (g % 1000)
        FROM generate_series(1, 20000) g;

        INSERT INTO orders
        SELECT g, 1 + (g * 7919) % 20000, ((g * 31) % 100000) / 100.0,
               (ARRAY['new','paid','shipped','cancelled','returned'])[1 + g % 5],
               timestamp '2024-01-01' + make_interval(mins => g),
               md5(g::text)
        FROM generate_series(1, 100000) g;

        INSERT INTO products SELECT g, 'product ' || g, g % 20 FROM generate_series(1, 1000) g;
        INSERT INTO order_lines SELECT 1 + g % 100000, 1 + (g * 13) % 1000, 1 + g % 7 FROM generate_series(1, 60000) g;

        CREATE INDEX orders_customer_id ON orders (customer_id);
        CREATE INDEX orders_created_at ON orders (created_at);
        CREATE INDEX orders_status ON orders (status);
        CREATE INDEX customers_region ON customers (region);
        CREATE INDEX order_lines_order_id ON order_lines (order_id);
        """;

    // After VACUUM every page is all-visible; touching a slice of rows clears those pages' bits,
    // so an index-only scan over them has to visit the heap (Heap Fetches > 0).
    private const string AfterVacuum = """
        UPDATE orders SET note = note WHERE customer_id < 300;
        ANALYZE;
        """;

    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not built yet.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _connectionString = await postgres.CreateDatabaseAsync("plan_parity", ct);
        await BuildAsync(_connectionString, ct);
    }

    /// <summary>Fills the empty database at <paramref name="connectionString"/> (also on the other servers of <see cref="PostgresVersions"/>).</summary>
    public static async Task BuildAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        foreach (var sql in new[] { Schema, "VACUUM ANALYZE", AfterVacuum })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
