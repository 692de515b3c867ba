SELECT name FROM processes WHERE id = 77
