SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < '2030-01-01' ORDER BY a.expire_at LIMIT 100
