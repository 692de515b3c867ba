SELECT id, kind FROM events WHERE account_id = 4242
