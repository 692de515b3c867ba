#!/usr/bin/env bash
# Captures the QWnnn-* and healthy fixtures from a database loaded with setup.sql.
# Usage: PSQL="psql -h 127.0.0.1 -p 55434 -U postgres -d rules" ./capture.sh
# Each capture: <name>.sql (the query), <name>-estimated.{txt,json}, <name>-analyze.{txt,json}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55434 -U postgres -d rules}"

# capture DIR NAME SETTINGS QUERY
capture() {
  local dir="$1" name="$2" settings="$3" query="$4"
  # ONLY=QW015 (a name prefix) re-captures one scenario and leaves every other file as it is
  case "$name" in "${ONLY:-}"*) ;; *) return 0 ;; esac
  mkdir -p "$dir"
  printf '%s\n' "$query" > "$dir/$name.sql"
  for mode in estimated analyze; do
    local opts=""; [ "$mode" = analyze ] && opts="ANALYZE, BUFFERS, "
    $PSQL -X -q -A -t -c "$settings" -c "EXPLAIN (${opts}FORMAT TEXT) $query" > "$dir/$name-$mode.txt"
    $PSQL -X -q -A -t -c "$settings" -c "EXPLAIN (${opts}FORMAT JSON) $query" > "$dir/$name-$mode.json"
  done
}
# run SQL [SCENARIO]: with ONLY set, only the steps of the scenarios it names run
run() {
  if [ -n "${ONLY:-}" ]; then case "${2:-}" in "$ONLY"*) ;; *) return 0 ;; esac; fi
  $PSQL -X -q -c "$1"
}
R="$here"

# QW001 (with QW002, QW014): DISTINCT ON ... LIMIT 1 existence check; fixed: no DISTINCT + (process_id, state) index
capture "$R" QW001-bad "SET max_parallel_workers_per_gather = 0" \
  "SELECT DISTINCT ON (element_id) 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1"
run "CREATE INDEX activity_process_id_state ON activity (process_id, state)"
capture "$R" QW001-fixed "SET max_parallel_workers_per_gather = 0" \
  "SELECT 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1"
run "DROP INDEX activity_process_id_state"

# QW003 (with QW014): EXISTS OR-ed with IS NULL, locking subquery; fixed: drive from the eligible queues, one
# index probe per queue (LATERAL ... LIMIT 1 over an index on (queue_name, priority, run_at, id))
capture "$R" QW003-bad "SET max_parallel_workers_per_gather = 0" \
  "SELECT id FROM jobs WHERE run_at <= now() AND attempts < 5 AND (queue_name IS NULL OR EXISTS (SELECT 1 FROM queues q WHERE q.queue_name = jobs.queue_name AND (q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours') FOR UPDATE SKIP LOCKED)) ORDER BY priority, run_at, id LIMIT 1"
run "CREATE INDEX jobs_queue_name_priority ON jobs (queue_name, priority, run_at, id)"
capture "$R" QW003-fixed "SET max_parallel_workers_per_gather = 0" \
  "SELECT j.id FROM queues q CROSS JOIN LATERAL (SELECT id, priority, run_at FROM jobs WHERE jobs.queue_name = q.queue_name AND run_at <= now() AND attempts < 5 ORDER BY priority, run_at, id LIMIT 1) j WHERE q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours' ORDER BY j.priority, j.run_at, j.id LIMIT 1"
run "DROP INDEX jobs_queue_name_priority"

# QW004: inner index scan rejects every pipeline; fixed: one id-range batch of the outer side
capture "$R" QW004-bad "SET max_parallel_workers_per_gather = 0" \
  "SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < now() LIMIT 100"
capture "$R" QW004-fixed "SET max_parallel_workers_per_gather = 0" \
  "SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < now() AND a.id >= 1 AND a.id < 1001"

# QW005, QW006, QW007, QW012: latest dequeue per user recomputed per query under stale statistics.
# The planner is steered to the production shape of seed 001 (GroupAggregate over an Index Only
# Scan, Nested Loop with Join Filter); fixed: the trigger-maintained summary table, default settings.
capture "$R" QW005-bad "SET max_parallel_workers_per_gather = 0; SET enable_hashagg = off; SET enable_hashjoin = off; SET enable_mergejoin = off" \
  "SELECT j.id FROM exec_jobs j JOIN (SELECT user_id, max(last_dequeue) AS latest FROM exec_jobs GROUP BY user_id) q ON j.user_id = q.user_id WHERE j.state = 'queued' ORDER BY q.latest, j.created_at LIMIT 1"
capture "$R" QW005-fixed "SET max_parallel_workers_per_gather = 0" \
  "SELECT j.id FROM exec_jobs j JOIN exec_last_dequeues q ON j.user_id = q.user_id WHERE j.state = 'queued' ORDER BY q.latest_dequeue, j.created_at LIMIT 1"

# QW008: NOT IN (subquery) too big to hash in work_mem; fixed: NOT EXISTS (anti join)
capture "$R" QW008-bad "SET work_mem = '64kB'; SET max_parallel_workers_per_gather = 0; SET jit = off" \
  "SELECT p.id FROM processes p WHERE p.id <= 2000 AND p.id NOT IN (SELECT t.process_id FROM tasks t WHERE t.state = 'failed' AND t.process_id <= 5000)"
capture "$R" QW008-fixed "SET max_parallel_workers_per_gather = 0; SET jit = off" \
  "SELECT p.id FROM processes p WHERE p.id <= 2000 AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.process_id = p.id AND t.state = 'failed')"

# QW009: no index on account_id; fixed: with one
capture "$R" QW009-bad "SET max_parallel_workers_per_gather = 0" "SELECT id, kind FROM events WHERE account_id = 4242"
run "CREATE INDEX events_account_id ON events (account_id)"
capture "$R" QW009-fixed "SET max_parallel_workers_per_gather = 0" "SELECT id, kind FROM events WHERE account_id = 4242"
run "DROP INDEX events_account_id"

# QW010: sort of 100,000 rows in 64kB; fixed: enough work_mem
capture "$R" QW010-bad "SET work_mem = '64kB'; SET max_parallel_workers_per_gather = 0" "SELECT id, payload FROM events WHERE kind < 20 ORDER BY payload"
capture "$R" QW010-fixed "SET work_mem = '64MB'; SET max_parallel_workers_per_gather = 0" "SELECT id, payload FROM events WHERE kind < 20 ORDER BY payload"

# QW011: hash of 50,000 accounts in 64kB; fixed: enough work_mem
capture "$R" QW011-bad "SET work_mem = '64kB'; SET max_parallel_workers_per_gather = 0" "SELECT e.id, a.name FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind < 20"
capture "$R" QW011-fixed "SET work_mem = '64MB'; SET max_parallel_workers_per_gather = 0" "SELECT e.id, a.name FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind < 20"

# QW013: bitmap over rows on every page in 64kB; fixed: enough work_mem
# (the planner prefers a Seq Scan for rows on every page; it is steered to the bitmap to show the spill)
capture "$R" QW013-bad "SET work_mem = '64kB'; SET max_parallel_workers_per_gather = 0; SET enable_seqscan = off; SET enable_indexscan = off" "SELECT count(payload) FROM events WHERE kind = 3"
capture "$R" QW013-fixed "SET work_mem = '4MB'; SET max_parallel_workers_per_gather = 0; SET enable_seqscan = off; SET enable_indexscan = off" "SELECT count(payload) FROM events WHERE kind = 3"

# QW015: OFFSET pagination reads and throws away every skipped row; fixed: keyset pagination
capture "$R" QW015-bad "SET max_parallel_workers_per_gather = 0" "SELECT id, account_id FROM events ORDER BY id LIMIT 20 OFFSET 200000"
capture "$R" QW015-fixed "SET max_parallel_workers_per_gather = 0" "SELECT id, account_id FROM events WHERE id > 200000 ORDER BY id LIMIT 20"

# QW016 (with QW009): a scan of events_archive (40 MB, read through a ring buffer: > 1/4 of shared_buffers)
# needs the table out of shared_buffers: restart the server after setup.sql (pg_ctl restart), then ONLY=QW016
# for a handful of rows; fixed: an index that serves the prefix match, created for the capture
capture "$R" QW016-bad "SET max_parallel_workers_per_gather = 0; SET track_io_timing = on" "SELECT id FROM events_archive WHERE payload LIKE 'ffff%'"
run "CREATE INDEX events_archive_payload ON events_archive (payload text_pattern_ops)" QW016
capture "$R" QW016-fixed "SET max_parallel_workers_per_gather = 0; SET track_io_timing = on" "SELECT id FROM events_archive WHERE payload LIKE 'ffff%'"
run "DROP INDEX events_archive_payload" QW016

# QW017: 100,000 rows inserted since the last ANALYZE; fixed: the same query after ANALYZE
# (this mutates the table: re-run setup.sql before capturing QW017 again)
capture "$R" QW017-bad "SET max_parallel_workers_per_gather = 0" "SELECT id FROM orders WHERE status = 'new' AND total < 5"
run "ANALYZE orders" QW017
capture "$R" QW017-fixed "SET max_parallel_workers_per_gather = 0" "SELECT id FROM orders WHERE status = 'new' AND total < 5"

# QW018: lower(email) = … cannot use the plain index on email; fixed: compare the column itself
capture "$R" QW018-bad "SET max_parallel_workers_per_gather = 0" "SELECT id FROM users WHERE lower(email) = 'user4242@example.com'"
capture "$R" QW018-fixed "SET max_parallel_workers_per_gather = 0" "SELECT id FROM users WHERE email = 'User4242@Example.com'"

# QW019: half of events returned to the application; fixed: one page of it
capture "$R" QW019-bad "SET max_parallel_workers_per_gather = 0" "SELECT id, account_id FROM events WHERE kind < 50"
capture "$R" QW019-fixed "SET max_parallel_workers_per_gather = 0" "SELECT id, account_id FROM events WHERE kind < 50 ORDER BY kind LIMIT 100"

# QW020: two workers planned, none launched (the pool is empty); fixed: default settings
capture "$R" QW020-bad "SET max_parallel_workers = 0" "SELECT kind, count(*) FROM events GROUP BY kind"
capture "$R" QW020-fixed "SET application_name = 'capture'" "SELECT kind, count(*) FROM events GROUP BY kind"

# QW021: JIT compiling (forced by zero thresholds) costs more than the query runs; fixed: jit = off
capture "$R" QW021-bad "SET max_parallel_workers_per_gather = 0; SET jit_above_cost = 0; SET jit_inline_above_cost = 0; SET jit_optimize_above_cost = 0" "SELECT kind, count(*), sum(account_id) FROM events WHERE id < 1000 GROUP BY kind"
capture "$R" QW021-fixed "SET max_parallel_workers_per_gather = 0; SET jit = off" "SELECT kind, count(*), sum(account_id) FROM events WHERE id < 1000 GROUP BY kind"

# QW022: a MATERIALIZED CTE joins everything, then its scan filters; fixed: the filter pushed down
# (an index on account_id created for the capture, as QW009's fixed form has)
capture "$R" QW022-bad "SET max_parallel_workers_per_gather = 0" "WITH x AS MATERIALIZED (SELECT e.id, e.account_id, a.name FROM events e JOIN accounts a ON a.id = e.account_id) SELECT * FROM x WHERE account_id = 4242"
run "CREATE INDEX events_account_id ON events (account_id)" QW022
capture "$R" QW022-fixed "SET max_parallel_workers_per_gather = 0" "WITH x AS (SELECT e.id, e.account_id, a.name FROM events e JOIN accounts a ON a.id = e.account_id) SELECT * FROM x WHERE account_id = 4242"
run "DROP INDEX events_account_id" QW022

# QW023: a materialized CTE's tuplestore spills in 64kB; fixed: enough work_mem
capture "$R" QW023-bad "SET work_mem = '64kB'; SET max_parallel_workers_per_gather = 0" "WITH x AS MATERIALIZED (SELECT id, payload FROM events WHERE kind < 20) SELECT count(*), max(payload) FROM x"
capture "$R" QW023-fixed "SET work_mem = '64MB'; SET max_parallel_workers_per_gather = 0" "WITH x AS MATERIALIZED (SELECT id, payload FROM events WHERE kind < 20) SELECT count(*), max(payload) FROM x"

# SEED000-fixed: seed 000 as its authors fixed it (no DISTINCT, the process_id index alone) on a process of
# 25,000 rows whose 'error' rows are its last 200: an Index Cond on process_id and a Filter on state that
# removes 24,800 rows in a few ms. Healthy: nothing above Info.
capture "$R" SEED000-fixed "SET max_parallel_workers_per_gather = 0" \
  "SELECT 1 AS a FROM process_activity WHERE process_id = 7 AND state = 'error' LIMIT 1"
# QW014-passes: a Limit over an index walked in order whose Filter the planner expects nearly every row to
# pass (every job has attempts = 0): the walk could be long only if the planner were wrong. Info at most.
capture "$R" QW014-passes "SET max_parallel_workers_per_gather = 0" \
  "SELECT id FROM jobs WHERE attempts < 5 ORDER BY priority, run_at, id LIMIT 1"

# Healthy plans: default settings, nothing to report above Info.
H="$here/../healthy"
i=0
while IFS= read -r q; do
  [ -z "$q" ] && continue
  i=$((i + 1)); capture "$H" "$(printf 'H%02d' "$i")" "SET application_name = 'capture'" "$q"
done < "$H/queries.txt"
