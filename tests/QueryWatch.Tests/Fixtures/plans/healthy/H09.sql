SELECT * FROM accounts WHERE id = 99
