SELECT p.name, t.state FROM processes p JOIN tasks t ON t.process_id = p.id WHERE p.id = 77
