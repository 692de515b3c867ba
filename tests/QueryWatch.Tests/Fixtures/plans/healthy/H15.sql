SELECT state, count(*) FROM tasks WHERE process_id BETWEEN 100 AND 120 GROUP BY state
