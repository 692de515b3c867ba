namespace QueryWatch.Explain.Store;

/// <summary>The statements <see cref="FleetStore"/> sends, beside the schema they write (Sql/v1.sql).</summary>
internal static class StoreSql
{
    /// <summary>
    /// Takes the right to explain a statement shape unless another instance took it within the cooldown ($3 seconds):
    /// one row back (the claim's time) when this instance won, none when it lost.
    /// </summary>
    public const string Claim = """
        INSERT INTO querywatch.explain_claims AS c (fingerprint, claimed_at, instance) VALUES ($1, clock_timestamp(), $2)
        ON CONFLICT (fingerprint) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, instance = EXCLUDED.instance
        WHERE c.claimed_at <= EXCLUDED.claimed_at - make_interval(secs => $3)
        RETURNING claimed_at
        """;

    /// <summary>The fleet's cancelled and timed-out captures of a statement shape written so far.</summary>
    public const string FleetUnfinished =
        "SELECT coalesce(sum(cancelled_count + timed_out_count), 0)::bigint FROM querywatch.captures WHERE fingerprint = $1";

    /// <summary>Adds one instance's captures of a statement shape since the last write.</summary>
    public const string CaptureWrite = """
        INSERT INTO querywatch.captures AS c (fingerprint, instance, first_seen, last_seen, slow_count, cancelled_count, timed_out_count, captured_ms, unfinished_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (fingerprint, instance) DO UPDATE SET first_seen = least(c.first_seen, EXCLUDED.first_seen), last_seen = greatest(c.last_seen, EXCLUDED.last_seen),
            slow_count = c.slow_count + EXCLUDED.slow_count, cancelled_count = c.cancelled_count + EXCLUDED.cancelled_count,
            timed_out_count = c.timed_out_count + EXCLUDED.timed_out_count, captured_ms = c.captured_ms + EXCLUDED.captured_ms,
            unfinished_ms = c.unfinished_ms + EXCLUDED.unfinished_ms
        """;

    /// <summary>The latest finding of a rule on a statement; the highest severity seen stays.</summary>
    public const string FindingWrite = """
        INSERT INTO querywatch.findings AS f (fingerprint, rule_id, capture_fingerprint, rule_name, severity, query_id, sql, first_seen, last_seen,
            message, suggestion, node, plan, calls, total_exec_time_ms, mean_exec_time_ms, redacted)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12::json, $13, $14, $15, $16)
        ON CONFLICT (fingerprint, rule_id) DO UPDATE SET capture_fingerprint = EXCLUDED.capture_fingerprint, rule_name = EXCLUDED.rule_name,
            severity = CASE WHEN array_position(ARRAY['info', 'warning', 'critical'], EXCLUDED.severity)
                               >= coalesce(array_position(ARRAY['info', 'warning', 'critical'], f.severity), 0) THEN EXCLUDED.severity ELSE f.severity END,
            query_id = coalesce(EXCLUDED.query_id, f.query_id), sql = EXCLUDED.sql,
            first_seen = least(f.first_seen, EXCLUDED.first_seen), last_seen = greatest(f.last_seen, EXCLUDED.last_seen),
            explained_count = f.explained_count + 1, message = EXCLUDED.message, suggestion = EXCLUDED.suggestion, node = EXCLUDED.node,
            plan = coalesce(EXCLUDED.plan, f.plan), calls = coalesce(EXCLUDED.calls, f.calls),
            total_exec_time_ms = coalesce(EXCLUDED.total_exec_time_ms, f.total_exec_time_ms),
            mean_exec_time_ms = coalesce(EXCLUDED.mean_exec_time_ms, f.mean_exec_time_ms), redacted = EXCLUDED.redacted AND f.redacted
        """;

    /// <summary>Adds samples of a plan shape of a statement (issue #15's shape hash).</summary>
    public const string PlanWrite = """
        INSERT INTO querywatch.plans AS p (fingerprint, shape_hash, first_seen, last_seen, sample_count, total_ms) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (fingerprint, shape_hash) DO UPDATE SET first_seen = least(p.first_seen, EXCLUDED.first_seen),
            last_seen = greatest(p.last_seen, EXCLUDED.last_seen), sample_count = p.sample_count + EXCLUDED.sample_count,
            total_ms = p.total_ms + EXCLUDED.total_ms
        """;

    /// <summary>Gives up a claim this instance won, only if it still holds it.</summary>
    public const string Release = "DELETE FROM querywatch.explain_claims WHERE fingerprint = $1 AND instance = $2 AND claimed_at = $3";
}
