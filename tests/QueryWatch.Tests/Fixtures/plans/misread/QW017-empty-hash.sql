SELECT o.id, o.total, c.name FROM hj_orders o JOIN hj_customers c ON c.id = o.customer_id WHERE c.region = 999
