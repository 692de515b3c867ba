SELECT kind, count(*), sum(id) FROM jit_events WHERE id % 7 = 3 GROUP BY kind
