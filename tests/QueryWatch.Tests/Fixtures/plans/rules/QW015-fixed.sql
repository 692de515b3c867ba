SELECT id, account_id FROM events WHERE id > 200000 ORDER BY id LIMIT 20
