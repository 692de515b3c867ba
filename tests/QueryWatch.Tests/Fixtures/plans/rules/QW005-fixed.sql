SELECT j.id FROM exec_jobs j JOIN exec_last_dequeues q ON j.user_id = q.user_id WHERE j.state = 'queued' ORDER BY q.latest_dequeue, j.created_at LIMIT 1
