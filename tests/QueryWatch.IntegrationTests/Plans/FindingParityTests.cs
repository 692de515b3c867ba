using System.Text;
using Npgsql;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.IntegrationTests.Plans;

/// <summary>
/// Issue #12 part 3: the rules that read I/O and heap-fetch figures give the same findings for the
/// TEXT and the JSON EXPLAIN of the same parallel query. The parity queries run from shared buffers
/// with a fresh visibility map, so neither rule has anything to say there; these two make them fire.
/// </summary>
public sealed class FindingParityTests(FindingParityDatabase database) : IClassFixture<FindingParityDatabase>
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        // A parallel scan of a table larger than a quarter of shared_buffers reads through a ring
        // buffer, so every run reads its blocks from outside shared_buffers again (QW016).
        { "parallel_seq_scan_reads", "SELECT count(*) FROM wide WHERE pad LIKE 'zz%'", "QW016" },
        // Every page of heap_fetch was changed after VACUUM: its index-only scan visits the heap for each row (QW012).
        { "parallel_index_only_scan_heap_fetches", "SELECT count(id) FROM heap_fetch WHERE id > 0", "QW012" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Text_and_json_of_a_parallel_plan_give_the_same_findings(string name, string sql, string rule)
    {
        foreach (var options in (string[])["ANALYZE, BUFFERS", "ANALYZE, BUFFERS, VERBOSE"])
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await ExplainAsync(connection, sql, "FORMAT JSON, " + options);
            var json = await ExplainAsync(connection, sql, "FORMAT JSON, " + options);
            var text = await ExplainAsync(connection, sql, "FORMAT TEXT, " + options);

            var engine = new RuleEngine();
            var fromText = Findings(engine, TextPlanParser.Parse(text), sql);
            var fromJson = Findings(engine, JsonPlanParser.Parse(json), sql);

            // The case must make its rule fire, or it compares nothing.
            Assert.Contains(fromJson, f => f.StartsWith(rule + " ", StringComparison.Ordinal));
            Assert.True(fromText.SequenceEqual(fromJson),
                $"{name} ({options}): findings differ\ntext: {string.Join("; ", fromText)}\njson: {string.Join("; ", fromJson)}\n--- TEXT ---\n{text}");
        }
    }

    private static List<string> Findings(RuleEngine engine, Plan plan, string sql) =>
        [.. engine.Analyze(plan, sql).Select(f => $"{f.RuleId} {f.Severity} at {f.NodePath}").Order(StringComparer.Ordinal)];

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, string options)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (name, value) in ((string, string)[])[
            ("max_parallel_workers_per_gather", "2"), ("parallel_setup_cost", "0"), ("parallel_tuple_cost", "0"),
            ("min_parallel_index_scan_size", "0"), ("enable_seqscan", sql.Contains("heap_fetch", StringComparison.Ordinal) ? "off" : "on"),
            ("enable_bitmapscan", "off"), ("jit", "off"), ("track_io_timing", "on")])
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
        await tx.RollbackAsync(ct);
        return sb.ToString();
    }
}

/// <summary>
/// The two tables <see cref="FindingParityTests"/> reads, with autovacuum off so the visibility map stays as left.
/// <c>wide</c> (about 40 MB) is written by CREATE TABLE AS, whose bulk-write ring leaves it out of shared_buffers.
/// </summary>
public sealed class FindingParityDatabase(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Schema = """
        CREATE TABLE wide WITH (autovacuum_enabled = off) AS
            SELECT g AS id, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) AS pad FROM generate_series(1, 300000) g;
        CREATE TABLE heap_fetch (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = off);
        INSERT INTO heap_fetch SELECT g, g FROM generate_series(1, 100000) g;
        VACUUM ANALYZE wide;
        VACUUM ANALYZE heap_fetch;
        UPDATE heap_fetch SET v = v + 1 WHERE id % 50 = 0;
        """;

    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not built yet.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _connectionString = await postgres.CreateDatabaseAsync("finding_parity", ct);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        foreach (var sql in Schema.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
