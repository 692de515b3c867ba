#!/usr/bin/env bash
# Captures the plans rules used to misread (issue #12 part 5) from a database loaded with setup.sql.
# Usage: PSQL="psql -h 127.0.0.1 -p 55432 -U postgres -d fp" ./capture.sh
# The server ran with shared_buffers = 128kB (so the DELETE's TOAST reads come from outside it),
# autovacuum off; each capture is <name>.sql, <name>-analyze.{txt,json} (ANALYZE, BUFFERS).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55432 -U postgres -d fp}"

capture() {
  local name="$1" settings="$2" query="$3"
  printf '%s\n' "$query" > "$here/$name.sql"
  for format in TEXT JSON; do
    local ext=txt; [ "$format" = JSON ] && ext=json
    # BEGIN/ROLLBACK: the DELETE's capture leaves the table as it was
    $PSQL -X -q -A -t -c "BEGIN" -c "$settings" -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT $format) $query" -c "ROLLBACK" > "$here/$name-analyze.$ext"
  done
}

# QW021: a parallel aggregate with JIT (no inlining): JIT's total is summed over the leader and 2 workers,
# each of which compiled while the others did; per process it is about a fifth of the execution time.
capture QW021-parallel \
  "SET jit_above_cost = 0; SET jit_inline_above_cost = -1; SET jit_optimize_above_cost = 0; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET max_parallel_workers_per_gather = 2" \
  "SELECT kind, count(*), sum(id) FROM jit_events WHERE id % 7 = 3 GROUP BY kind"

# QW017/QW007: the Hash side is empty (no customer in region 999), so the Hash Join reads one outer row and stops:
# the scan of 500,000 orders returns 1 row — cut short, not misestimated.
capture QW017-empty-hash "SET max_parallel_workers_per_gather = 0" \
  "SELECT o.id, o.total, c.name FROM hj_orders o JOIN hj_customers c ON c.id = o.customer_id WHERE c.region = 999"

# QW016: a DELETE without RETURNING returns 0 rows; its own reads are the TOAST chunks of the 2,000 rows it deletes.
capture QW016-delete "SET max_parallel_workers_per_gather = 0" \
  "DELETE FROM docs WHERE id <= 2000"
