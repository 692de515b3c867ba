-- Version 1: the explain claims, the captures per instance, the findings and the plan shapes.

-- One row per statement shape (fingerprint): the instance that won the right to explain it, and when.
-- A claim older than the cooldown may be taken over (INSERT ... ON CONFLICT DO UPDATE ... WHERE).
CREATE TABLE querywatch.explain_claims (
    fingerprint bigint PRIMARY KEY,
    claimed_at timestamptz NOT NULL,
    instance text NOT NULL
);

-- Every capture of a statement shape, explained or not, per instance: what ranks a finding.
CREATE TABLE querywatch.captures (
    fingerprint bigint NOT NULL,
    instance text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    slow_count bigint NOT NULL DEFAULT 0,
    cancelled_count bigint NOT NULL DEFAULT 0,
    timed_out_count bigint NOT NULL DEFAULT 0,
    captured_ms double precision NOT NULL DEFAULT 0,
    unfinished_ms double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (fingerprint, instance)
);

-- The latest finding of each rule on each statement. capture_fingerprint is the captured command's
-- (the captures row); fingerprint the statement's, which differs only for a command of several statements.
CREATE TABLE querywatch.findings (
    fingerprint bigint NOT NULL,
    rule_id text NOT NULL,
    capture_fingerprint bigint NOT NULL,
    rule_name text NOT NULL,
    severity text NOT NULL,
    query_id text,
    sql text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    explained_count bigint NOT NULL DEFAULT 1,
    message text NOT NULL,
    suggestion text NOT NULL,
    node text,
    plan json,
    calls bigint,
    total_exec_time_ms double precision,
    mean_exec_time_ms double precision,
    redacted boolean NOT NULL DEFAULT true,
    PRIMARY KEY (fingerprint, rule_id)
);
CREATE INDEX findings_capture_fingerprint ON querywatch.findings (capture_fingerprint);
CREATE INDEX findings_last_seen ON querywatch.findings (last_seen);

-- The plan shapes seen for each statement (issue #15's shape hash).
CREATE TABLE querywatch.plans (
    fingerprint bigint NOT NULL,
    shape_hash bigint NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    sample_count bigint NOT NULL DEFAULT 0,
    total_ms double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (fingerprint, shape_hash)
);
