UPDATE events SET note = 'x' WHERE id IN (SELECT id FROM events WHERE status = 7 ORDER BY created_at LIMIT 10)
