WITH x AS MATERIALIZED (SELECT id, payload FROM events WHERE kind < 20) SELECT count(*), max(payload) FROM x
