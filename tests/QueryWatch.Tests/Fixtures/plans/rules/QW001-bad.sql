SELECT DISTINCT ON (element_id) 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1
