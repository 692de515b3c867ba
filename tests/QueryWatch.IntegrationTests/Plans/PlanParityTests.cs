using System.Text;
using Npgsql;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.IntegrationTests.Plans;

/// <summary>
/// Issue 3, "Done means": TEXT and JSON EXPLAIN of the same query, captured live in each variant,
/// load to equal models; on every server of <see cref="PostgresVersions"/> (issue 12: the version
/// matrix). A failure names the server, the query, the variant and the first differing node.
/// </summary>
public sealed class PlanParityTests(PostgresFixture postgres, PostgresVersions versions, ParityDatabase database) : IClassFixture<ParityDatabase>
{
    public static readonly string[] Variants =
    [
        "plain", "costs_off", "verbose", "analyze_buffers", "analyze_buffers_costs_off", "analyze_buffers_timing_off_summary_off",
        "analyze_buffers_verbose_settings",
    ];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var server in PostgresVersions.Names)
            foreach (var q in ParityQueries.All)
                foreach (var v in Variants)
                    data.Add(server, q.Name, v);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Text_and_json_explain_load_to_equal_models(string server, string query, string variant)
    {
        var q = ParityQueries.All.Single(x => x.Name == query);
        var options = Options(variant);
        var analyzed = variant.StartsWith("analyze", StringComparison.Ordinal);
        var connectionString = server == PostgresVersions.Default
            ? database.ConnectionString
            : await versions.DatabaseAsync(server, postgres, "plan_parity", ParityDatabase.BuildAsync);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        // Under ANALYZE the first run pulls pages into shared buffers and sets hint bits; after one
        // warm-up both captured runs hit the same buffers, so their counters can be compared.
        if (analyzed) await ExplainAsync(connection, q, "FORMAT JSON, " + options);
        var json = await ExplainAsync(connection, q, "FORMAT JSON, " + options);
        var text = await ExplainAsync(connection, q, "FORMAT TEXT, " + options);

        var fromJson = JsonPlanParser.Parse(json);
        var fromText = TextPlanParser.Parse(text);

        var difference = PlanModelComparer.FirstDifference(fromText, fromJson);
        Assert.True(difference is null, $"{server} {query} ({variant}): {difference}\n--- TEXT ---\n{text}");

        // Issue #12 part 3: the same plan gives the same findings, whichever format it came in.
        var engine = new RuleEngine();
        Assert.True(
            Findings(engine, fromText, q.Sql).SequenceEqual(Findings(engine, fromJson, q.Sql)),
            $"{server} {query} ({variant}): findings differ\ntext: {string.Join("; ", Findings(engine, fromText, q.Sql))}\njson: {string.Join("; ", Findings(engine, fromJson, q.Sql))}\n--- TEXT ---\n{text}");
    }

    // What a finding says about the plan: which rule, at which node, how severe.
    private static IEnumerable<string> Findings(RuleEngine engine, Plan plan, string sql) =>
        engine.Analyze(plan, sql).Select(f => $"{f.RuleId} {f.Severity} at {f.NodePath}").Order(StringComparer.Ordinal);

    [Fact]
    public async Task Parity_queries_cover_every_node_type_the_model_names()
    {
        Assert.True(ParityQueries.All.Length >= 30);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var q in ParityQueries.All)
        {
            var json = await ExplainAsync(connection, q, "FORMAT JSON, ANALYZE, BUFFERS");
            foreach (var node in JsonPlanParser.Parse(json).Nodes)
            {
                seen.Add(node.DisplayName.Split(" using ")[0].Split(" on ")[0]);
                if (node.HeapFetches > 0) seen.Add("(heap fetches)");
                if (node.SortMethod == "external merge") seen.Add("(sort spilled)");
                if (node.HashBatches > 1) seen.Add("(hash batched)");
                if (node.HashAggBatches > 1) seen.Add("(hash aggregate spilled)");
                if (node.LossyHeapBlocks > 0) seen.Add("(lossy bitmap)");
                if (node.NeverExecuted) seen.Add("(never executed)");
                if (node.ScanDirection == "Backward") seen.Add("(backward scan)");
                if (node.ParentRelationship is "SubPlan" or "InitPlan") seen.Add("(" + node.ParentRelationship + ")");
            }
        }

        string[] expected =
        [
            "Seq Scan", "Index Scan", "(backward scan)", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan", "BitmapOr", "BitmapAnd",
            "Tid Scan", "Hash Join", "Hash Left Join", "Hash Right Join", "Hash Full Join", "Merge Join", "Merge Full Join",
            "Nested Loop", "Hash Semi Join", "Hash Anti Join", "Memoize", "Materialize", "Hash", "CTE Scan", "Recursive Union",
            "WorkTable Scan", "Gather", "Gather Merge", "Parallel Seq Scan", "Parallel Index Only Scan", "Parallel Hash",
            "Parallel Hash Join", "Partial HashAggregate", "Finalize GroupAggregate", "WindowAgg", "Append", "Merge Append",
            "HashSetOp", "SetOp", "Unique", "Sort", "Incremental Sort", "Limit", "HashAggregate", "GroupAggregate", "Aggregate",
            "Function Scan", "Values Scan", "Result", "ProjectSet", "Subquery Scan", "LockRows", "Sample Scan",
            "(heap fetches)", "(sort spilled)", "(hash batched)", "(hash aggregate spilled)", "(lossy bitmap)", "(never executed)",
            "(SubPlan)", "(InitPlan)",
        ];
        var missing = expected.Where(e => !seen.Contains(e)).ToArray();
        Assert.True(missing.Length == 0, "no parity query produces: " + string.Join(", ", missing));
    }

    private static string Options(string variant) => variant switch
    {
        "plain" => "COSTS",
        "costs_off" => "COSTS OFF",
        "verbose" => "VERBOSE",
        "analyze_buffers" => "ANALYZE, BUFFERS",
        "analyze_buffers_costs_off" => "ANALYZE, BUFFERS, COSTS OFF",
        "analyze_buffers_timing_off_summary_off" => "ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF",
        "analyze_buffers_verbose_settings" => "ANALYZE, BUFFERS, VERBOSE, SETTINGS",
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, ParityQuery q, string options)
    {
        var ct = TestContext.Current.CancellationToken;
        // Settings are local to a transaction that is rolled back: ANALYZE of FOR UPDATE locks rows.
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (name, value) in q.Settings)
        {
            await using var set = new NpgsqlCommand($"SELECT set_config('{name}', '{value}', true)", connection, tx);
            await set.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand($"EXPLAIN ({options}) {q.Sql}", connection, tx);
        var sb = new StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) sb.Append(reader.GetString(0)).Append('\n');
        }
        await tx.RollbackAsync(ct);
        return sb.ToString();
    }
}
