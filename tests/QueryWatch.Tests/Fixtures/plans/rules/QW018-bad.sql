SELECT id FROM users WHERE lower(email) = 'user4242@example.com'
