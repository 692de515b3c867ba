SELECT * FROM events WHERE id IN (1, 2, 3, 4, 5)
