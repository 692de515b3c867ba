SELECT id FROM events_archive WHERE payload LIKE 'ffff%'
