SELECT * FROM events e WHERE e.status = 7 OR EXISTS (SELECT 1 FROM pipelines p WHERE p.id = e.owner_id AND p.locked = 0) ORDER BY created_at LIMIT 10
