-- Schema and data the QWnnn-* fixtures were captured from (PostgreSQL 15, default settings,
-- autovacuum off so that statistics and the visibility map stay as each scenario leaves them).
-- Run: psql -v ON_ERROR_STOP=1 -f setup.sql, then capture.sh.
SELECT setseed(0.42);

-- QW001 / QW002 / QW014: an existence check with DISTINCT ON over a table whose matching rows
-- all sit at the far end of the element_id index.
CREATE TABLE activity (id bigint PRIMARY KEY, process_id int NOT NULL, element_id int NOT NULL, state text NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO activity
SELECT i, i % 50, i,
       CASE WHEN i % 50 = 7 THEN (CASE WHEN i > 980000 THEN 'error' ELSE 'done' END)
            WHEN i % 53 = 0 THEN 'error' ELSE 'done' END
FROM generate_series(1, 1000000) i;
CREATE INDEX activity_element_id ON activity (element_id);
CREATE INDEX activity_process_id ON activity (process_id);
ANALYZE activity;

-- QW003 / QW014: a per-row EXISTS OR-ed with another condition, under ORDER BY ... LIMIT.
CREATE TABLE queues (queue_name text PRIMARY KEY, locked_at timestamptz) WITH (autovacuum_enabled = off);
CREATE TABLE jobs (id bigint PRIMARY KEY, queue_name text, priority int NOT NULL, run_at timestamptz NOT NULL, attempts int NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO queues SELECT 'q' || i, CASE WHEN i <= 99 THEN now() END FROM generate_series(1, 100) i;
-- only the newest 1,000 jobs belong to the one unlocked queue
INSERT INTO jobs SELECT i, CASE WHEN i > 199000 THEN 'q100' ELSE 'q' || (1 + (i % 99)) END, 0, now() - interval '1 day' + i * interval '1 ms', 0
FROM generate_series(1, 200000) i;
CREATE INDEX jobs_priority_run_at_id ON jobs (priority, run_at, id);
ANALYZE queues; ANALYZE jobs;

-- QW004: a Nested Loop whose inner index scan's Filter rejects every pipeline it fetches.
CREATE TABLE pipelines (id bigint PRIMARY KEY, locked int NOT NULL) WITH (autovacuum_enabled = off);
CREATE TABLE artifacts (id bigint PRIMARY KEY, pipeline_id bigint NOT NULL, expire_at timestamptz NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO pipelines SELECT i, CASE WHEN i <= 200000 THEN 1 ELSE 0 END FROM generate_series(1, 400000) i;
INSERT INTO artifacts SELECT i, i, now() - interval '30 days' + i * interval '1 s' FROM generate_series(1, 200000) i;
CREATE INDEX artifacts_expire_at ON artifacts (expire_at);
ANALYZE pipelines; ANALYZE artifacts;

-- QW005 / QW006 / QW007 / QW012: "latest dequeue per user" recomputed by a GroupAggregate,
-- joined under stale statistics (few queued rows at ANALYZE time, many after).
CREATE TABLE exec_jobs (id bigint PRIMARY KEY, user_id int NOT NULL, state text NOT NULL,
                        created_at timestamptz NOT NULL, last_dequeue timestamptz)
  WITH (autovacuum_enabled = off);
INSERT INTO exec_jobs SELECT i, i % 5, 'completed', now() - i * interval '1 s', now() - i * interval '1 s'
FROM generate_series(1, 350000) i;
CREATE INDEX exec_jobs_state ON exec_jobs (state);
CREATE INDEX exec_jobs_last_dequeue ON exec_jobs (user_id, last_dequeue);
UPDATE exec_jobs SET state = 'queued' WHERE id % 350 = 0;
VACUUM ANALYZE exec_jobs;
-- 25,000 rows queued after the last ANALYZE (statistics say ~1,000), touching every page
UPDATE exec_jobs SET state = 'queued' WHERE id % 14 = 0;
-- the "after" shape: a trigger-maintained summary, one row per user
CREATE TABLE exec_last_dequeues (user_id int PRIMARY KEY, latest_dequeue timestamptz);
INSERT INTO exec_last_dequeues SELECT user_id, max(last_dequeue) FROM exec_jobs GROUP BY user_id;
ANALYZE exec_last_dequeues;

-- QW008: NOT IN (subquery) vs NOT EXISTS.
CREATE TABLE processes (id bigint PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = off);
CREATE TABLE tasks (id bigint PRIMARY KEY, process_id bigint NOT NULL, state text NOT NULL) WITH (autovacuum_enabled = off);
INSERT INTO processes SELECT i, 'process ' || i FROM generate_series(1, 100000) i;
INSERT INTO tasks SELECT i, 1 + (i % 100000), CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'done' END FROM generate_series(1, 300000) i;
CREATE INDEX tasks_process_id_state ON tasks (process_id, state);
ANALYZE processes; ANALYZE tasks;

-- QW009 / QW010 / QW011 / QW013: a wide-ish events table.
CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, kind int NOT NULL, payload text NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO events SELECT i, (i::bigint * 7919) % 50000, i % 100, md5(i::text) FROM generate_series(1, 500000) i;
CREATE INDEX events_kind ON events (kind);
CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = off);
INSERT INTO accounts SELECT i, 'account ' || i FROM generate_series(0, 49999) i;
VACUUM ANALYZE events; VACUUM ANALYZE accounts;

-- QW017: statistics taken when the table held 1,000 finished orders; 100,000 new ones arrived since
-- (autovacuum off, so nothing re-analyzes it): the planner still believes status = 'new' is rare.
CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric NOT NULL) WITH (autovacuum_enabled = off);
INSERT INTO orders SELECT i, 'done', i % 100 FROM generate_series(1, 1000) i;
ANALYZE orders;
INSERT INTO orders SELECT i, 'new', i % 100 FROM generate_series(1001, 101000) i;

-- QW018: a plain index on email that lower(email) = … cannot use.
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL) WITH (autovacuum_enabled = off);
INSERT INTO users SELECT i, 'User' || i || '@Example.com', now() - i * interval '1 min' FROM generate_series(1, 200000) i;
CREATE INDEX users_email ON users (email);
VACUUM ANALYZE users;

-- QW016: a copy of events that only ever gets sequential scans. At 40 MB it is larger than a
-- quarter of the default shared_buffers (128 MB), so a Seq Scan goes through a 256 kB ring buffer
-- and reads the table again every time (src/backend/storage/buffer/README, "buffer ring").
CREATE TABLE events_archive (id bigint PRIMARY KEY, account_id int NOT NULL, kind int NOT NULL, payload text NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO events_archive SELECT * FROM events;
VACUUM ANALYZE events_archive;

-- SEED000-fixed: seed 000's fix as its authors shipped it (only the process_id index), on a process with
-- thousands of rows whose first 'error' row comes after most of them: the state Filter removes 24,800 rows in ms.
CREATE TABLE process_activity (id bigint PRIMARY KEY, process_id int NOT NULL, element_id int NOT NULL, state text NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO process_activity
SELECT i, i / 25000, i,
       CASE WHEN i / 25000 = 7 AND i % 25000 >= 24800 THEN 'error' WHEN i / 25000 <> 7 AND i % 50 = 0 THEN 'error' ELSE 'done' END
FROM generate_series(1, 500000) i;
CREATE INDEX process_activity_process_id ON process_activity (process_id);
ANALYZE process_activity;
