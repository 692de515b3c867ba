SELECT * FROM events WHERE abs(status) = 7 ORDER BY created_at LIMIT 10
