SELECT id, payload FROM events WHERE kind < 20 ORDER BY payload
