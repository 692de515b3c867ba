#!/usr/bin/env bash
# Recaptures the paste corpus from a throwaway PostgreSQL cluster (see README.md beside this file).
# Usage: bash capture.sh [bindir [outdir]]   (default /usr/lib/postgresql/15/bin, this folder; QUERYWATCH_PG_BINDIR wins)
set -euo pipefail
BIN="${QUERYWATCH_PG_BINDIR:-${1:-/usr/lib/postgresql/15/bin}}"
OUT="${2:-$(cd "$(dirname "$0")" && pwd)}"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
PORT=$((20000 + RANDOM % 20000))
RUNAS=()
if [ "$(id -u)" = 0 ]; then chown -R nobody "$WORK"; RUNAS=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
cleanup() { "${RUNAS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"${RUNAS[@]}" "$BIN/initdb" -D "$WORK/data" -U postgres -A trust --no-sync >/dev/null
"${RUNAS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/log" \
  -o "-p $PORT -k $WORK -c listen_addresses='' -c fsync=off -c jit=off" start >/dev/null
PSQL=("${RUNAS[@]}" "${PSQL_BIN:-$BIN/psql}" -X -q -h "$WORK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)

"${PSQL[@]}" <<SQL
CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 10000) g;
CREATE TABLE u (id int PRIMARY KEY, t_id int NOT NULL);
INSERT INTO u SELECT g, g % 5000 + 1 FROM generate_series(1, 20000) g;
CREATE INDEX u_t_id ON u (t_id);
CREATE TABLE p (id int NOT NULL, v int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE p_1 PARTITION OF p FOR VALUES FROM (0) TO (5000);
CREATE TABLE p_2 PARTITION OF p FOR VALUES FROM (5000) TO (20000);
INSERT INTO p SELECT g, g % 10 FROM generate_series(1, 10000) g;
CREATE TABLE inh (id int NOT NULL, v int NOT NULL);
CREATE TABLE inh_child (extra int) INHERITS (inh);
INSERT INTO inh SELECT g, g FROM generate_series(1, 100) g;
INSERT INTO inh_child SELECT g, g, g FROM generate_series(101, 200) g;
CREATE EXTENSION postgres_fdw;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$WORK', port '$PORT', dbname 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres');
CREATE TABLE remote_part (id int NOT NULL, v int NOT NULL);
INSERT INTO remote_part SELECT g, g FROM generate_series(100, 199) g;
CREATE TABLE f (id int NOT NULL, v int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE f_local PARTITION OF f FOR VALUES FROM (0) TO (100);
CREATE FOREIGN TABLE f_remote PARTITION OF f FOR VALUES FROM (100) TO (200) SERVER loopback OPTIONS (table_name 'remote_part');
INSERT INTO f_local SELECT g, g FROM generate_series(1, 99) g;
VACUUM ANALYZE;
SQL

# name|statement
CASES=(
  "initplan|SELECT (SELECT max(id) FROM t) AS top"
  "cte|WITH c AS MATERIALIZED (SELECT * FROM t WHERE id < 10) SELECT * FROM c"
  "subplan|SELECT id, (SELECT count(*) FROM u WHERE u.t_id = t.id) FROM t WHERE id < 5"
  "one_node|SELECT * FROM t"
  "update_partitioned|UPDATE p SET v = v + 1 WHERE v = 3"
  "delete_inherited|DELETE FROM inh WHERE v < 10"
  "merge_partitioned|MERGE INTO p USING t ON p.id = t.id WHEN MATCHED THEN UPDATE SET v = t.v"
  "foreign_delete|DELETE FROM f WHERE v > 50"
  "join|SELECT t.id, count(*) FROM t JOIN u ON u.t_id = t.id WHERE t.v = 7 GROUP BY t.id ORDER BY 2 DESC LIMIT 10"
)
# style|psql settings
STYLES=(
  "aligned|"
  "border0|\\pset border 0"
  "border2|\\pset border 2"
  "unicode|\\pset linestyle unicode"
  "unicode-border2|\\pset linestyle unicode
\\pset border 2"
  "expanded|\\x on"
  "unaligned|\\pset format unaligned"
  "csv|\\pset format csv"
  "wrapped-narrow|\\pset format wrapped
\\pset columns 40"
  "unicode-wrapped-narrow|\\pset format wrapped
\\pset linestyle unicode
\\pset columns 40"
)
JSON_STYLES=(
  "aligned|"
  "unicode|\\pset linestyle unicode"
  "border2|\\pset border 2"
  "csv|\\pset format csv"
  "echo|\\set ECHO queries"
  "session|\\timing on
SET work_mem = '64MB';
SELECT 1 AS warm_up;"
)

capture() { # style settings statement -> stdout
  printf '%s\n%s;\n' "$1" "$2" | "${PSQL[@]}" 2>&1 | sed -E 's/^Time: [0-9.]+ ms.*/Time: 0.123 ms/'
}

rm -f "$OUT"/*.txt "$OUT"/*.json
for c in "${CASES[@]}"; do
  name="${c%%|*}"; sql="${c#*|}"
  for mode in costs costs-off; do
    opts="COSTS"; [ "$mode" = costs-off ] && opts="COSTS OFF"
    base="$name.$mode"
    # The twin: JSON exactly as the server returns it.
    if ! printf 'BEGIN;\nEXPLAIN (%s, FORMAT JSON) %s;\nROLLBACK;\n' "$opts" "$sql" | "${PSQL[@]}" -At > "$OUT/$base.json" 2>/dev/null; then
      echo "skipped $base: this server cannot run it (MERGE is PostgreSQL 15+)"
      rm -f "$OUT/$base.json"
      continue
    fi
    for s in "${STYLES[@]}"; do
      style="${s%%|*}"; set="${s#*|}"
      capture "$set" "EXPLAIN ($opts) $sql" > "$OUT/$base.text.$style.txt"
    done
    for s in "${JSON_STYLES[@]}"; do
      style="${s%%|*}"; set="${s#*|}"
      capture "$set" "EXPLAIN ($opts, FORMAT JSON) $sql" > "$OUT/$base.json.$style.txt"
    done
    # Pastes psql cannot print, made from its aligned output the way a mail client, pgAdmin or
    # a GUI grid hands them over: a blank line between lines, each line in quotes, '|' columns.
    a="$OUT/$base.text.aligned.txt"
    sed -e 'a\\' "$a" > "$OUT/$base.text.double-spaced.txt"
    printf 'EXPLAIN (%s) %s;\n"QUERY PLAN"\n' "$opts" "$sql" > "$OUT/$base.text.quoted.txt"
    tail -n +3 "$a" | grep -v '^([0-9]* rows\?)$' | grep -v '^$' | sed -e 's/"/""/g' -e 's/^/"/' -e 's/$/"/' >> "$OUT/$base.text.quoted.txt"
    { echo "QUERY PLAN|"; tail -n +3 "$a" | grep -v '^([0-9]* rows\?)$' | grep -v '^$' | sed -e 's/^ //' -e 's/$/|/'; } > "$OUT/$base.text.grid.txt"
  done
done
echo "captured $(ls "$OUT"/*.txt | wc -l) pastes and $(ls "$OUT"/*.json | wc -l) JSON twins into $OUT"
