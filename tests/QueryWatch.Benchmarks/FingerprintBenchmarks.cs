using BenchmarkDotNet.Attributes;
using QueryWatch.Sql;

namespace QueryWatch.Benchmarks;

/// <summary>Fingerprinting one realistic ~4 KB EF Core statement (goal: ComputeId ≤ 5 µs, 0 B).</summary>
[MemoryDiagnoser]
public class FingerprintBenchmarks
{
    private readonly string _sql = BuildStatement();

    [Benchmark(Baseline = true)]
    public ulong ComputeId() => SqlFingerprint.ComputeId(_sql);

    // The path ComputeId took before the fast scanner (issue 3): the before/after ratio in one run.
    [Benchmark]
    public ulong ComputeIdByNormalizing() => SqlFingerprint.ComputeIdByNormalizing(_sql);

    [Benchmark]
    public string Compute() => SqlFingerprint.Compute(_sql).Normalized;

    [Benchmark]
    public int Lex()
    {
        var count = 0;
        foreach (var token in SqlLexer.Scan(_sql, classifyKeywords: false))
        {
            count += token.Length;
        }

        return count;
    }

    [Benchmark]
    public int Split() => SqlStatementSplitter.Split(_sql).Count;

    // An EF Core 8 split-less query: wide projection, joins, a correlated subquery, a filter
    // with an IN list and JSON operators, paging. About 4 KB, like the slow ones seen in practice.
    private static string BuildStatement()
    {
        var columns = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"o.\"Column{i}\""));
        var lines = string.Join(", ", Enumerable.Range(0, 12).Select(i => $"o0.\"LineColumn{i}\""));
        var ids = string.Join(", ", Enumerable.Range(1, 30));
        var sql = $"""
            -- OrdersController.Search
            SELECT {columns}, c."Id", c."Email", c."Name", c."Country", {lines},
                   (SELECT count(*)::int FROM "Reviews" AS r WHERE r."CustomerId" = c."Id" AND r."Stars" >= 4) AS "GoodReviews",
                   o."Attributes" ->> 'channel' AS "Channel"
            FROM "Orders" AS o
            INNER JOIN "Customers" AS c ON o."CustomerId" = c."Id"
            LEFT JOIN "OrderLines" AS o0 ON o."Id" = o0."OrderId"
            LEFT JOIN LATERAL (
                SELECT p."Id", p."Name", p."Price" FROM "Products" AS p
                WHERE p."Id" = o0."ProductId" AND p."Tags" @> ARRAY['active']::text[]
                ORDER BY p."Price" DESC LIMIT 1) AS p0 ON TRUE
            WHERE o."Status" IN ({ids})
              AND o."CreatedAt" >= @__from_0 AND o."CreatedAt" < @__to_1
              AND (c."Country" = @__country_2 OR c."Country" IS NULL)
              AND o."Attributes" @> @__filter_3
              AND NOT EXISTS (SELECT 1 FROM "Refunds" AS r0 WHERE r0."OrderId" = o."Id" AND r0."Amount" > 0.0)
              AND lower(c."Email") LIKE @__pattern_4 ESCAPE '\'
            ORDER BY o."CreatedAt" DESC, o."Id", o0."Id"
            LIMIT @__p_5 OFFSET @__p_6
            """;
        while (sql.Length < 4000)
        {
            sql += " AND o.\"Total\" > 0";
        }

        return sql;
    }
}
