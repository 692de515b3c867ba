SELECT id, account_id FROM events WHERE kind < 50 ORDER BY kind LIMIT 100
