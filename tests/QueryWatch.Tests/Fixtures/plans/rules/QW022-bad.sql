WITH x AS MATERIALIZED (SELECT e.id, e.account_id, a.name FROM events e JOIN accounts a ON a.id = e.account_id) SELECT * FROM x WHERE account_id = 4242
