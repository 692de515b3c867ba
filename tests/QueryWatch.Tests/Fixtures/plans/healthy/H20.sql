SELECT * FROM pipelines WHERE id IN (SELECT pipeline_id FROM artifacts WHERE id < 20)
