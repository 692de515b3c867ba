SELECT count(*) FROM tasks WHERE process_id = 500
