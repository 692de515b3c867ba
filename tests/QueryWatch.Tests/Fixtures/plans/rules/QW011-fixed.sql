SELECT e.id, a.name FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.kind < 20
