SELECT t.* FROM tasks t WHERE t.process_id IN (SELECT id FROM processes WHERE id BETWEEN 10 AND 20) ORDER BY t.id
