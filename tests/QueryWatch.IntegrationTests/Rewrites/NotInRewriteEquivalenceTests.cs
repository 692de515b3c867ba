using System.Globalization;
using System.Text;
using Npgsql;
using QueryWatch.Explain;
using QueryWatch.Rewrites;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// Issue 17 part 3: on real PostgreSQL, over 60 seeded datasets (duplicates, empty tables, NULLs wherever the
/// catalog allows them), the catalog proof passes exactly for the statements whose columns cannot be NULL, and
/// those give the same answer rewritten; the others are refused, and the data shows why (some dataset answers
/// differently). Each dataset is a schema found through search_path, as the verifier resolves names.
/// </summary>
public sealed class NotInRewriteEquivalenceTests(PostgresFixture postgres)
{
    private const int Count = 60;

    public static TheoryData<string> Proven() =>
    [
        "SELECT p.id FROM p WHERE p.x NOT IN (SELECT q.k FROM q) ORDER BY p.id",
        "SELECT p.id FROM p WHERE p.x NOT IN (SELECT q.k FROM q WHERE q.n > 1 OR q.n IS NULL) ORDER BY p.id",
        "SELECT p.id FROM p WHERE p.y > 0 AND p.x NOT IN (SELECT q.n FROM q WHERE q.n IS NOT NULL) ORDER BY p.id",
        "SELECT count(*) FROM p AS \"P\" WHERE \"P\".x NOT IN (SELECT k FROM q WHERE q.id <> \"P\".id)",
        "SELECT p.id, p.x NOT IN (SELECT q.k FROM q) FROM p ORDER BY p.id",
        "SELECT p.id FROM p JOIN q ON q.id = p.id WHERE q.k NOT IN (SELECT r.x FROM p r WHERE r.id > 1) ORDER BY p.id",
    ];

    public static TheoryData<string, string> Refused() => new()
    {
        { "SELECT p.id FROM p WHERE p.y NOT IN (SELECT q.k FROM q) ORDER BY p.id", "y" },
        { "SELECT p.id FROM p WHERE p.x NOT IN (SELECT q.n FROM q) ORDER BY p.id", "n" },
        { "SELECT p.id FROM p WHERE p.x NOT IN (SELECT q.n FROM q WHERE q.n IS NOT NULL OR q.k = 1) ORDER BY p.id", "n" },
    };

    [Theory]
    [MemberData(nameof(Proven))]
    public async Task Not_null_columns_are_proven_and_the_rewrite_gives_the_same_answer(string sql)
    {
        var rewrite = NotInRewriter.TryRewrite(sql);
        Assert.NotNull(rewrite);
        await using var connection = await OpenAsync();

        for (var seed = 0; seed < Count; seed++)
        {
            await UseAsync(connection, seed);
            Assert.Null(await NullSafety.ProveAsync(connection, rewrite, TestContext.Current.CancellationToken));
            var original = await QueryAsync(connection, sql);
            var rewritten = await QueryAsync(connection, rewrite.Rewrite.RewrittenSql);
            Assert.True(original.SequenceEqual(rewritten), $"e{seed}: {sql}\noriginal:  {string.Join("; ", original)}\nrewritten: {string.Join("; ", rewritten)}");
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Nullable_column_is_refused_and_the_data_shows_the_answers_differ(string sql, string column)
    {
        var rewrite = NotInRewriter.TryRewrite(sql);
        Assert.NotNull(rewrite);
        await using var connection = await OpenAsync();

        var differs = 0;
        for (var seed = 0; seed < Count; seed++)
        {
            await UseAsync(connection, seed);
            var reason = await NullSafety.ProveAsync(connection, rewrite, TestContext.Current.CancellationToken);
            Assert.NotNull(reason);
            Assert.Contains("column " + column + " ", reason, StringComparison.Ordinal);
            if (!(await QueryAsync(connection, sql)).SequenceEqual(await QueryAsync(connection, rewrite.Rewrite.RewrittenSql))) differs++;
        }

        Assert.True(differs > 0, "no dataset tells NOT IN from NOT EXISTS: the NULL guard would be untested");
    }

    [Fact]
    public async Task Dropped_not_null_constraint_is_seen_by_the_next_proof()
    {
        var rewrite = NotInRewriter.TryRewrite("SELECT p.id FROM p WHERE p.x NOT IN (SELECT q.k FROM q)")!;
        await using var connection = await OpenAsync();
        await UseAsync(connection, 0);
        await using var tx = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        Assert.Null(await NullSafety.ProveAsync(connection, rewrite, TestContext.Current.CancellationToken));

        await using (var alter = new NpgsqlCommand("ALTER TABLE q ALTER COLUMN k DROP NOT NULL", connection, tx))
            await alter.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

        Assert.Contains("column k ", await NullSafety.ProveAsync(connection, rewrite, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await tx.RollbackAsync(TestContext.Current.CancellationToken);
    }

    private string? _connectionString;

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        if (_connectionString is null)
        {
            _connectionString = await postgres.CreateDatabaseAsync("notin", ct);
            await using var setup = new NpgsqlConnection(_connectionString);
            await setup.OpenAsync(ct);
            await using var command = new NpgsqlCommand(Script(), setup);
            await command.ExecuteNonQueryAsync(ct);
        }

        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// Schemas e0..e59, each with p(id, x NOT NULL, y) and q(id, k NOT NULL, n): values 1-4 (many duplicates),
    /// a quarter of the nullable cells NULL, one table in five empty.
    /// </summary>
    private static string Script()
    {
        var script = new StringBuilder();
        for (var seed = 0; seed < Count; seed++)
        {
            var random = new Random(1000 + seed);
            script.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA e{seed};\n");
            foreach (var (table, notNull, nullable) in new[] { ("p", "x", "y"), ("q", "k", "n") })
            {
                script.Append(CultureInfo.InvariantCulture, $"CREATE TABLE e{seed}.{table} (id int NOT NULL, {notNull} int NOT NULL, {nullable} int);\n");
                var rows = random.Next(5) == 0 ? 0 : random.Next(1, 12);
                for (var id = 1; id <= rows; id++)
                {
                    var cell = random.Next(4) == 0 ? "NULL" : random.Next(1, 5).ToString(CultureInfo.InvariantCulture);
                    script.Append(CultureInfo.InvariantCulture, $"INSERT INTO e{seed}.{table} VALUES ({id}, {random.Next(1, 5)}, {cell});\n");
                }
            }
        }

        return script.ToString();
    }

    private static async Task UseAsync(NpgsqlConnection connection, int seed)
    {
        await using var path = new NpgsqlCommand($"SET search_path = e{seed}", connection);
        await path.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Each row as its values joined by <c>|</c>, NULL spelled out.</summary>
    private static async Task<List<string>> QueryAsync(NpgsqlConnection connection, string sql)
    {
        var rows = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            rows.Add(string.Join("|", values));
        }

        return rows;
    }
}
