using System.Globalization;
using System.Text;
using Npgsql;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// A database of seeded random datasets, one schema each (<c>d0</c>, <c>d1</c>...), every one
/// holding tables <c>t</c> and <c>u</c> (<c>id int, a int, b int</c>) with few distinct values,
/// many duplicates, NULLs in a fifth of the cells, and some tables empty.
/// </summary>
public sealed class RewriteDatasets(PostgresFixture postgres) : IAsyncLifetime
{
    public const int Count = 60;

    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not built yet.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _connectionString = await postgres.CreateDatabaseAsync("rewrites", ct);
        var script = new StringBuilder();
        for (var seed = 0; seed < Count; seed++)
        {
            var random = new Random(seed);
            script.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA d{seed};\n");
            foreach (var table in new[] { "t", "u" })
            {
                script.Append(CultureInfo.InvariantCulture, $"CREATE TABLE d{seed}.{table} (id int, a int, b int);\n");
                var rows = random.Next(5) == 0 ? 0 : random.Next(1, 14);
                if (rows == 0)
                {
                    continue;
                }

                script.Append(CultureInfo.InvariantCulture, $"INSERT INTO d{seed}.{table} VALUES ");
                for (var id = 1; id <= rows; id++)
                {
                    script.Append(CultureInfo.InvariantCulture, $"{(id > 1 ? ", " : "")}({id}, {Cell(random)}, {Cell(random)})");
                }

                script.Append(";\n");
            }
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(script.ToString(), connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Cell(Random random) =>
        random.Next(5) == 0 ? "NULL" : random.Next(1, 5).ToString(CultureInfo.InvariantCulture);
}
