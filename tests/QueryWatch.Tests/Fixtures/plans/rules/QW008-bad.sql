SELECT p.id FROM processes p WHERE p.id <= 2000 AND p.id NOT IN (SELECT t.process_id FROM tasks t WHERE t.state = 'failed' AND t.process_id <= 5000)
