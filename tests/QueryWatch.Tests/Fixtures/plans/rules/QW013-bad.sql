SELECT count(payload) FROM events WHERE kind = 3
