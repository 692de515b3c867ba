SELECT a.id, p.locked FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE a.id < 100
