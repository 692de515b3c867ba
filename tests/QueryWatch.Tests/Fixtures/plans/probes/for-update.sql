SELECT * FROM events WHERE status = 7 ORDER BY created_at LIMIT 10 FOR UPDATE
