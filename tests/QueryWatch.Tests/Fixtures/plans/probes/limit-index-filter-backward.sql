SELECT * FROM events WHERE status = 7 AND created_at > '2000-01-01' ORDER BY created_at DESC LIMIT 10
