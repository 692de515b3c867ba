SELECT * FROM pipelines WHERE id = 12345
