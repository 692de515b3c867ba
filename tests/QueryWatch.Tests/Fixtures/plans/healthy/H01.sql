SELECT * FROM activity WHERE id = 42
