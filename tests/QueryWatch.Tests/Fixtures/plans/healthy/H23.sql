SELECT q.queue_name, count(j.id) FROM queues q LEFT JOIN jobs j ON j.queue_name = q.queue_name AND j.id < 100 WHERE q.queue_name = 'q5' GROUP BY q.queue_name
