CREATE TABLE jit_events AS SELECT g AS id, g % 100 AS kind, md5(g::text) AS payload FROM generate_series(1, 2000000) g;
CREATE TABLE hj_orders AS SELECT g AS id, g % 1000 AS customer_id, (g % 500)::numeric AS total FROM generate_series(1, 500000) g;
CREATE TABLE hj_customers AS SELECT g AS id, 'c' || g AS name, g % 50 AS region FROM generate_series(1, 1000) g;
CREATE TABLE docs (id int PRIMARY KEY, body text);
ALTER TABLE docs ALTER body SET STORAGE EXTERNAL;
INSERT INTO docs SELECT g, repeat(md5(g::text), 300) FROM generate_series(1, 3000) g;
VACUUM ANALYZE jit_events, hj_orders, hj_customers, docs;
