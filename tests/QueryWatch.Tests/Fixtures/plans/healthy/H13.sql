SELECT id FROM jobs ORDER BY priority, run_at, id LIMIT 10
