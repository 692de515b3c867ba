SELECT 1 AS a FROM process_activity WHERE process_id = 7 AND state = 'error' LIMIT 1
