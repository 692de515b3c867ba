SELECT kind, count(*), sum(account_id) FROM events WHERE id < 1000 GROUP BY kind
