namespace QueryWatch.IntegrationTests.Plans;

/// <summary>One query of the parity set, with the planner settings that force its shape.</summary>
public sealed record ParityQuery(string Name, string Sql, IReadOnlyDictionary<string, string> Settings)
{
    public override string ToString() => Name;
}

/// <summary>
/// Queries that make PostgreSQL produce every node type and detail line the plan model knows.
/// Each query must be quick (it runs eight times under ANALYZE) and deterministic in its actual rows.
/// </summary>
internal static class ParityQueries
{
    // Every query runs with these unless it says otherwise: no parallelism (its per-worker split is
    // not deterministic) and no JIT (its timings are all that differ), so actual figures repeat exactly.
    private static readonly Dictionary<string, string> Base = new()
    {
        ["max_parallel_workers_per_gather"] = "0",
        ["jit"] = "off",
    };

    private static readonly Dictionary<string, string> Parallel = new()
    {
        ["max_parallel_workers_per_gather"] = "2",
        ["parallel_setup_cost"] = "0",
        ["parallel_tuple_cost"] = "0",
        ["min_parallel_table_scan_size"] = "0",
        ["min_parallel_index_scan_size"] = "0",
        ["parallel_leader_participation"] = "off",
    };

    public static readonly ParityQuery[] All =
    [
        Q("seq_scan_filter", "SELECT id, amount FROM orders WHERE amount > 990"),
        Q("index_scan", "SELECT * FROM orders WHERE id = 42"),
        Q("index_scan_backward_limit", "SELECT id, status FROM orders ORDER BY id DESC LIMIT 10"),
        Q("index_only_scan_heap_fetches", "SELECT customer_id FROM orders WHERE customer_id < 600",
            ("enable_seqscan", "off"), ("enable_bitmapscan", "off")),
        Q("bitmap_heap_scan_exact", "SELECT id FROM orders WHERE customer_id BETWEEN 100 AND 400"),
        Q("bitmap_heap_scan_lossy", "SELECT count(*) FROM orders WHERE customer_id < 15000",
            ("work_mem", "64kB"), ("enable_seqscan", "off"), ("enable_indexscan", "off"), ("enable_indexonlyscan", "off")),
        Q("bitmap_or", "SELECT id FROM orders WHERE customer_id < 50 OR created_at < timestamp '2024-01-01 02:00'"),
        Q("bitmap_and", "SELECT id FROM orders WHERE customer_id < 400 AND created_at < timestamp '2024-01-05'",
            ("enable_indexscan", "off"), ("enable_seqscan", "off")),
        Q("tid_scan", "SELECT id FROM orders WHERE ctid = '(1,1)'"),
        Q("hash_join_inner", "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.region = 3 AND o.amount > 900"),
        Q("hash_join_left", "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND c.region = 1 WHERE o.amount > 900"),
        Q("hash_join_right", "SELECT c.id, o.id FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id AND o.amount > 995 WHERE c.region = 1",
            ("enable_mergejoin", "off"), ("enable_nestloop", "off")),
        Q("hash_join_full", "SELECT c.id, p.id FROM customers c FULL JOIN products p ON p.id = c.id WHERE coalesce(c.region, 0) < 2",
            ("enable_mergejoin", "off")),
        Q("merge_join", "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id < 500",
            ("enable_hashjoin", "off"), ("enable_nestloop", "off")),
        Q("merge_full_join", "SELECT c.id, p.id FROM customers c FULL JOIN products p ON p.id = c.id",
            ("enable_hashjoin", "off")),
        Q("nested_loop_index", "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id < 20",
            ("enable_hashjoin", "off"), ("enable_mergejoin", "off")),
        Q("nested_loop_index_range", "SELECT p.id, c.id FROM products p JOIN customers c ON c.id > p.id * 19 AND c.id < p.id * 19 + 3 WHERE p.category = 1",
            ("enable_hashjoin", "off"), ("enable_mergejoin", "off")),
        Q("nested_loop_join_filter_materialize", "SELECT p.id, c.id FROM products p JOIN customers c ON c.region < p.category WHERE p.id < 30 AND c.id < 30",
            ("enable_hashjoin", "off"), ("enable_mergejoin", "off"), ("enable_indexscan", "off"), ("enable_bitmapscan", "off")),
        Q("memoize", "SELECT l.order_id, p.name FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id < 3000",
            ("enable_hashjoin", "off"), ("enable_mergejoin", "off"), ("enable_bitmapscan", "off")),
        Q("semi_join", "SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.amount > 998)"),
        Q("anti_join", "SELECT c.id FROM customers c WHERE c.region = 2 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
            ("enable_nestloop", "off"), ("enable_mergejoin", "off")),
        Q("correlated_subplan", "SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.id < 50"),
        Q("hashed_subplan_not_in", "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers WHERE region = 1)"),
        Q("initplan", "SELECT id FROM orders WHERE amount > (SELECT max(amount) - 1 FROM orders)"),
        Q("cte_materialized", "WITH big AS MATERIALIZED (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) SELECT a.customer_id FROM big a JOIN big b ON b.customer_id = a.customer_id + 1 WHERE a.total > 8000"),
        Q("recursive_cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT sum(n) FROM r"),
        Q("parallel_aggregate", "SELECT status, count(*), sum(amount) FROM orders GROUP BY status", Parallel),
        Q("parallel_gather_merge_sort", "SELECT id, amount FROM orders WHERE amount < 500 ORDER BY amount, id LIMIT 50", Parallel),
        Q("parallel_hash_join", "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.amount > 500", Parallel),
        Q("parallel_index_only_scan", "SELECT count(*) FROM orders WHERE customer_id > 1000",
            Parallel, ("enable_seqscan", "off"), ("enable_bitmapscan", "off")),
        Q("window_function", "SELECT id, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC) FROM orders WHERE customer_id < 200"),
        Q("union_all_append", "SELECT id FROM orders WHERE customer_id < 10 UNION ALL SELECT id FROM customers WHERE region = 5 AND id < 100"),
        Q("union_distinct", "SELECT customer_id FROM orders WHERE amount > 990 UNION SELECT id FROM customers WHERE id < 100"),
        Q("intersect_hashed", "SELECT customer_id FROM orders WHERE amount > 900 INTERSECT SELECT id FROM customers WHERE region = 4"),
        Q("except_sorted", "SELECT customer_id FROM orders WHERE amount > 950 EXCEPT SELECT id FROM customers WHERE region = 4",
            ("enable_hashagg", "off")),
        Q("merge_append", "(SELECT id FROM orders WHERE id < 100 ORDER BY id) UNION ALL (SELECT id FROM customers WHERE id < 100 ORDER BY id) ORDER BY id LIMIT 20"),
        Q("sort_spill", "SELECT id, note FROM orders ORDER BY note", ("work_mem", "64kB")),
        Q("top_n_sort", "SELECT id, note FROM orders ORDER BY note LIMIT 5"),
        Q("incremental_sort", "SELECT customer_id, amount FROM orders WHERE customer_id < 3000 ORDER BY customer_id, amount LIMIT 100",
            ("enable_seqscan", "off"), ("enable_bitmapscan", "off")),
        Q("hash_batches", "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id", ("work_mem", "64kB")),
        Q("hashagg_spill", "SELECT customer_id, count(*) FROM orders GROUP BY customer_id", ("work_mem", "64kB")),
        Q("group_aggregate_sorted", "SELECT customer_id, sum(amount) FROM orders WHERE customer_id < 1000 GROUP BY customer_id",
            ("enable_hashagg", "off")),
        Q("unique_distinct", "SELECT DISTINCT status FROM orders WHERE id < 1000", ("enable_hashagg", "off")),
        Q("limit_offset", "SELECT id FROM orders ORDER BY id OFFSET 100 LIMIT 10"),
        Q("function_scan", "SELECT g, g * 2 FROM generate_series(1, 1000) g WHERE g % 7 = 0"),
        Q("values_scan", "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) v(n, s) WHERE n > 1"),
        Q("result_one_time_filter", "SELECT id FROM orders WHERE id < 10 AND now() < timestamp '2000-01-01'"),
        Q("project_set", "SELECT id, generate_series(1, 3) FROM customers WHERE id < 5"),
        Q("subquery_scan", "SELECT * FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id ORDER BY n DESC LIMIT 20) s WHERE s.customer_id % 2 = 0"),
        Q("lock_rows", "SELECT id FROM customers WHERE id < 5 FOR UPDATE"),
        Q("never_executed", "SELECT c.id, o.id FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = -1",
            ("enable_hashjoin", "off"), ("enable_mergejoin", "off")),
        Q("sample_scan", "SELECT count(*) FROM orders TABLESAMPLE SYSTEM (5) REPEATABLE (42)"),
    ];

    private static ParityQuery Q(string name, string sql, params (string Name, string Value)[] settings) =>
        Q(name, sql, null, settings);

    private static ParityQuery Q(string name, string sql, Dictionary<string, string>? preset, params (string Name, string Value)[] settings)
    {
        var all = new Dictionary<string, string>(Base, StringComparer.Ordinal);
        if (preset is not null) foreach (var (k, v) in preset) all[k] = v;
        foreach (var (k, v) in settings) all[k] = v;
        return new ParityQuery(name, sql, all);
    }
}
