SELECT * FROM events WHERE kind = 5 AND id < 1000
