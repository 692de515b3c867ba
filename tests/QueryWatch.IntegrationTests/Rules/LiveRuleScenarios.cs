namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// The queries of tests/QueryWatch.Tests/Fixtures/plans/rules/capture.sh over <see cref="LiveRulesDatabase"/>,
/// with the settings capture.sh explains them under, plus a scenario of its own for QW012.
/// </summary>
internal static class LiveRuleScenarios
{
    private static readonly (string, string) Serial = ("max_parallel_workers_per_gather", "0");
    private static readonly (string, string) TinyWorkMem = ("work_mem", "64kB");

    /// <summary>An existence check written as DISTINCT ON … LIMIT 1 walks the element_id index to its far end.</summary>
    public static readonly LiveRuleScenario DistinctExistenceCheck = new(
        "QW001",
        new("SELECT DISTINCT ON (element_id) 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1", Serial),
        new LiveQuery("SELECT 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1", Serial)
            .After("CREATE INDEX activity_process_id_state ON activity (process_id, state)"),
        "Index Scan using activity_element_id on activity",
        ["QW001", "QW002", "QW014"],
        ["QW001", "QW002", "QW014"]);

    /// <summary>An EXISTS OR-ed into the Filter of an index walk under LIMIT 1 runs once per rejected job.</summary>
    public static readonly LiveRuleScenario CorrelatedSubplanPerRow = new(
        "QW003",
        new("SELECT id FROM jobs WHERE run_at <= now() AND attempts < 5 AND (queue_name IS NULL OR EXISTS "
            + "(SELECT 1 FROM queues q WHERE q.queue_name = jobs.queue_name AND (q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours') "
            + "FOR UPDATE SKIP LOCKED)) ORDER BY priority, run_at, id LIMIT 1", Serial),
        new LiveQuery("SELECT j.id FROM queues q CROSS JOIN LATERAL (SELECT id, priority, run_at FROM jobs WHERE jobs.queue_name = q.queue_name "
            + "AND run_at <= now() AND attempts < 5 ORDER BY priority, run_at, id LIMIT 1) j "
            + "WHERE q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours' ORDER BY j.priority, j.run_at, j.id LIMIT 1", Serial)
            .After("CREATE INDEX jobs_queue_name_priority ON jobs (queue_name, priority, run_at, id)"),
        "Index Scan using jobs_priority_run_at_id on jobs",
        ["QW003", "QW014"],
        ["QW003", "QW014"]);

    /// <summary>The inner index scan of a Nested Loop fetches a locked pipeline per artifact and rejects it.</summary>
    public static readonly LiveRuleScenario NestedLoopInnerDiscard = new(
        "QW004",
        new("SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < now() LIMIT 100", Serial),
        new("SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < now() "
            + "AND a.id >= 1 AND a.id < 1001", Serial),
        "Index Scan using pipelines_pkey on pipelines p",
        ["QW004"],
        []);

    /// <summary>
    /// "Latest dequeue per user" recomputed by a GroupAggregate under stale statistics, joined by a
    /// Join Filter; the planner is steered to seed 001's production shape as capture.sh does.
    /// </summary>
    public static readonly LiveRuleScenario AggregateOverLargeInput = new(
        "QW005",
        new("SELECT j.id FROM exec_jobs j JOIN (SELECT user_id, max(last_dequeue) AS latest FROM exec_jobs GROUP BY user_id) q "
            + "ON j.user_id = q.user_id WHERE j.state = 'queued' ORDER BY q.latest, j.created_at LIMIT 1",
            Serial, ("enable_hashagg", "off"), ("enable_hashjoin", "off"), ("enable_mergejoin", "off")),
        new("SELECT j.id FROM exec_jobs j JOIN exec_last_dequeues q ON j.user_id = q.user_id WHERE j.state = 'queued' "
            + "ORDER BY q.latest_dequeue, j.created_at LIMIT 1", Serial),
        "GroupAggregate",
        ["QW005", "QW006", "QW007", "QW012"],
        ["QW005"]);

    /// <summary>NOT IN (subquery) too big to hash in work_mem: a plain SubPlan per outer row instead of an Anti Join.</summary>
    public static readonly LiveRuleScenario AntiJoinMissing = new(
        "QW008",
        new("SELECT p.id FROM processes p WHERE p.id <= 2000 AND p.id NOT IN "
            + "(SELECT t.process_id FROM tasks t WHERE t.state = 'failed' AND t.process_id <= 5000)",
            TinyWorkMem, Serial, ("jit", "off")),
        new("SELECT p.id FROM processes p WHERE p.id <= 2000 AND NOT EXISTS "
            + "(SELECT 1 FROM tasks t WHERE t.process_id = p.id AND t.state = 'failed')", Serial, ("jit", "off")),
        "Index Only Scan using processes_pkey on processes p",
        ["QW008"],
        ["QW008"]);

    /// <summary>No index on account_id: 500,000 rows read to keep 10.</summary>
    public static readonly LiveRuleScenario SeqScanSelectiveFilter = new(
        "QW009",
        new("SELECT id, kind FROM events WHERE account_id = 4242", Serial),
        new LiveQuery("SELECT id, kind FROM events WHERE account_id = 4242", Serial)
            .After("CREATE INDEX events_account_id ON events (account_id)"),
        "Seq Scan on events",
        ["QW009"],
        []);

    /// <summary>A sort of 100,000 rows in 64kB of work_mem goes to disk.</summary>
    public static readonly LiveRuleScenario SortSpill = new(
        "QW010",
        new("SELECT id, payload FROM events WHERE kind < 20 ORDER BY payload", TinyWorkMem, Serial),
        new("SELECT id, payload FROM events WHERE kind < 20 ORDER BY payload", ("work_mem", "64MB"), Serial),
        "Sort",
        ["QW010"],
        []);

    /// <summary>The hash of 50,000 accounts in 64kB of work_mem is split into batches.</summary>
    public static readonly LiveRuleScenario HashSpill = new(
        "QW011",
        new("SELECT e.id, a.name FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind < 20", TinyWorkMem, Serial),
        new("SELECT e.id, a.name FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind < 20", ("work_mem", "64MB"), Serial),
        "Hash",
        ["QW011"],
        []);

    /// <summary>
    /// An Index Only Scan over a table changed on every page since its last VACUUM; the fix is the
    /// VACUUM, so the "fixed" query is the same query on the twin table that got one.
    /// </summary>
    public static readonly LiveRuleScenario HeapFetches = new(
        "QW012",
        new("SELECT sensor_id, max(taken_at) FROM readings WHERE sensor_id < 20 GROUP BY sensor_id", Serial),
        new("SELECT sensor_id, max(taken_at) FROM readings_vacuumed WHERE sensor_id < 20 GROUP BY sensor_id", Serial),
        "Index Only Scan using readings_sensor_id_taken_at on readings",
        ["QW012"],
        []);

    /// <summary>A bitmap over rows on every page in 64kB of work_mem degrades to lossy pages (steered off Seq and Index Scans).</summary>
    public static readonly LiveRuleScenario LossyBitmap = new(
        "QW013",
        new("SELECT count(payload) FROM events WHERE kind = 3", TinyWorkMem, Serial, ("enable_seqscan", "off"), ("enable_indexscan", "off")),
        new("SELECT count(payload) FROM events WHERE kind = 3", ("work_mem", "4MB"), Serial, ("enable_seqscan", "off"), ("enable_indexscan", "off")),
        "Bitmap Heap Scan on events",
        ["QW013"],
        []);

    public static readonly IReadOnlyList<LiveRuleScenario> All =
    [
        DistinctExistenceCheck, CorrelatedSubplanPerRow, NestedLoopInnerDiscard, AggregateOverLargeInput, AntiJoinMissing,
        SeqScanSelectiveFilter, SortSpill, HashSpill, HeapFetches, LossyBitmap,
    ];
}
