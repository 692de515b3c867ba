SELECT id FROM orders WHERE status = 'new' AND total < 5
