SELECT * FROM tasks WHERE process_id = 77 AND state = 'failed'
