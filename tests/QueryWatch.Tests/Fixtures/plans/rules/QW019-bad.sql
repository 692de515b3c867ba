SELECT id, account_id FROM events WHERE kind < 50
