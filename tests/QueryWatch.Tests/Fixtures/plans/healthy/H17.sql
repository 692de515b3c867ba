SELECT * FROM exec_last_dequeues ORDER BY latest_dequeue
