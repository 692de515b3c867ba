SELECT id FROM jobs WHERE attempts < 5 ORDER BY priority, run_at, id LIMIT 1
