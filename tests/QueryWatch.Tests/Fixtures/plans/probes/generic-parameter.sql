SELECT * FROM events WHERE status = $1 ORDER BY created_at LIMIT 10
