SELECT id FROM users WHERE email = 'User4242@Example.com'
