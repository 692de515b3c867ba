SELECT max(id) FROM events
