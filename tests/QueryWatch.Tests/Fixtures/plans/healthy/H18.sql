SELECT p.id FROM processes p WHERE p.id < 200 AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.process_id = p.id AND t.state = 'failed')
