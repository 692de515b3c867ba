using System.Text;
using Npgsql;
using QueryWatch.Plans;

namespace QueryWatch.IntegrationTests.Plans;

/// <summary>
/// Issue #15, part 1, on live plans: one statement captured again and again, in TEXT and JSON, with
/// and without ANALYZE (and VERBOSE), keeps its shape hash; an index added, a join order swapped and a
/// scan type changed each move it. Every change happens inside a transaction that is rolled back.
/// </summary>
public sealed class PlanShapeLiveTests(ParityDatabase database) : IClassFixture<ParityDatabase>
{
    private static readonly string[] Variants =
        ["FORMAT JSON", "FORMAT TEXT", "FORMAT JSON, ANALYZE, BUFFERS", "FORMAT TEXT, ANALYZE, BUFFERS", "FORMAT TEXT, VERBOSE", "FORMAT JSON, COSTS OFF"];

    public static TheoryData<string> Queries() => new(ParityQueries.All.Select(q => q.Name));

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Repeated_captures_in_every_form_keep_one_hash(string query)
    {
        var q = ParityQueries.All.Single(x => x.Name == query);
        await using var connection = await OpenAsync();
        var shapes = new List<(string Variant, ulong Hash, string Shape)>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var variant in Variants)
            {
                var plan = PlanReader.Read(await ExplainAsync(connection, q.Sql, variant, q.Settings));
                shapes.Add((variant, PlanShape.Hash(plan), PlanShape.Render(plan)));
            }
        }
        Assert.True(shapes.Select(s => s.Hash).Distinct().Count() == 1,
            string.Join("\n", shapes.Select(s => $"--- {s.Variant} {PlanShape.Format(s.Hash)}\n{s.Shape}")));
    }

    [Fact]
    public async Task An_added_index_moves_the_hash()
    {
        const string Sql = "SELECT id FROM orders WHERE note = 'c4ca4238a0b923820dcc509a6f75849b'";
        await using var connection = await OpenAsync();
        await using var tx = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var before = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT JSON", Base, tx));
        await ExecuteAsync(connection, tx, "CREATE INDEX orders_note ON orders (note)");
        var after = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT TEXT", Base, tx));
        await tx.RollbackAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(PlanShape.Hash(before), PlanShape.Hash(after));
        Assert.Contains(PlanShapeDiff.Compare(before, after).Differences(), d => d.StartsWith("Seq Scan on orders → ", StringComparison.Ordinal) && d.Contains("orders_note", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_scan_type_moves_the_hash()
    {
        const string Sql = "SELECT * FROM orders WHERE id = 42";
        await using var connection = await OpenAsync();
        var index = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT JSON", Base));
        var bitmap = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT JSON", new Dictionary<string, string>(Base) { ["enable_indexscan"] = "off" }));

        Assert.Equal("Index Scan using orders_pkey on orders", PlanShape.Lines(index)[0].Text);
        Assert.Equal("Bitmap Heap Scan on orders", PlanShape.Lines(bitmap)[0].Text);
        Assert.NotEqual(PlanShape.Hash(index), PlanShape.Hash(bitmap));
    }

    [Fact]
    public async Task A_swapped_join_order_moves_the_hash()
    {
        // The planner hashes the smaller side; swapping the tables' sizes swaps the join's sides.
        const string Sql = "SELECT * FROM shape_a a JOIN shape_b b ON a.k = b.k";
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenAsync();
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, tx, """
            CREATE TABLE shape_a (k int NOT NULL, v text NOT NULL);
            CREATE TABLE shape_b (k int NOT NULL, v text NOT NULL);
            INSERT INTO shape_a SELECT g, 'a' FROM generate_series(1, 50) g;
            INSERT INTO shape_b SELECT g % 5000, 'b' FROM generate_series(1, 50000) g;
            ANALYZE shape_a, shape_b;
            """);
        var before = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT TEXT", Base, tx));
        await ExecuteAsync(connection, tx, """
            TRUNCATE shape_a, shape_b;
            INSERT INTO shape_a SELECT g % 5000, 'a' FROM generate_series(1, 50000) g;
            INSERT INTO shape_b SELECT g, 'b' FROM generate_series(1, 50) g;
            ANALYZE shape_a, shape_b;
            """);
        var after = PlanReader.Read(await ExplainAsync(connection, Sql, "FORMAT JSON", Base, tx));
        await tx.RollbackAsync(ct);

        Assert.Equal(before.Root.NodeType, after.Root.NodeType);
        Assert.Equal(
            PlanShape.Lines(before).Select(l => l.Node.RelationName).Where(r => r is not null),
            PlanShape.Lines(after).Select(l => l.Node.RelationName).Where(r => r is not null).Reverse());
        Assert.NotEqual(PlanShape.Hash(before), PlanShape.Hash(after));
    }

    private static readonly Dictionary<string, string> Base = new()
    {
        ["max_parallel_workers_per_gather"] = "0",
        ["jit"] = "off",
    };

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, string options, IReadOnlyDictionary<string, string> settings, NpgsqlTransaction? outer = null)
    {
        var ct = TestContext.Current.CancellationToken;
        // Settings are local to a transaction; an outer one (a test's own changes) is left to its test to roll back.
        var tx = outer ?? await connection.BeginTransactionAsync(ct);
        try
        {
            foreach (var (name, value) in settings)
            {
                await using var set = new NpgsqlCommand($"SELECT set_config('{name}', '{value}', true)", connection, tx);
                await set.ExecuteNonQueryAsync(ct);
            }
            await using var command = new NpgsqlCommand($"EXPLAIN ({options}) {sql}", connection, tx) { CommandTimeout = 120 };
            var sb = new StringBuilder();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) sb.Append(reader.GetString(0)).Append('\n');
            }
            return sb.ToString();
        }
        finally
        {
            if (outer is null) await tx.RollbackAsync(ct);
        }
    }
}
