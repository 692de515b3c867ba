SELECT * FROM activity WHERE element_id BETWEEN 1000 AND 1100 ORDER BY element_id
