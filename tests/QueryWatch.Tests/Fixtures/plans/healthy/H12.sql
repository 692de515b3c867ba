SELECT * FROM queues ORDER BY queue_name LIMIT 10
