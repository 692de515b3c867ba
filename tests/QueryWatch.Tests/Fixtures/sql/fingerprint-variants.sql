-- Spellings of one statement, grouped in classes (issue #12 part 4): every statement of a class must
-- get the class's one id, and no two classes may share an id. One statement per line; a line
-- "-- class NAME" starts a class; "apart" in a name marks a class kept apart from a look-alike.
-- class cast
SELECT x::int FROM t
SELECT CAST(x AS int) FROM t
SELECT cast ( x as INT ) FROM t
-- class cast-of-expression
SELECT (a + b)::int FROM t
SELECT CAST(a + b AS int) FROM t
SELECT CAST((a + b) AS int) FROM t
-- class apart-cast-binds-tighter
SELECT a + b::int FROM t
-- class cast-of-call
SELECT count(*)::int FROM "Blogs" AS b
SELECT CAST(count(*) AS int) FROM "Blogs" AS b
-- class cast-nested
SELECT o."Total"::numeric(10,2)::text FROM "Orders" AS o
SELECT CAST(CAST(o."Total" AS numeric(10,2)) AS text) FROM "Orders" AS o
SELECT CAST(o."Total"::numeric(10,2) AS text) FROM "Orders" AS o
-- class cast-of-literal
SELECT o."Id" FROM "Orders" AS o WHERE o."CreatedAt" > '2024-01-01'::date
SELECT o."Id" FROM "Orders" AS o WHERE o."CreatedAt" > CAST('2024-01-01' AS date)
SELECT o."Id" FROM "Orders" AS o WHERE o."CreatedAt" > CAST(@__from_0 AS date)
SELECT o."Id" FROM "Orders" AS o WHERE o."CreatedAt" > $1::date
-- class quoted-needs-no-quotes
SELECT u.id, u.email FROM users AS u WHERE u.id = @__id_0
SELECT u."id", u."email" FROM "users" AS u WHERE u."id" = @__id_0
SELECT "u".id, "u"."email" FROM "users" AS "u" WHERE "u".id = @__id_0
SELECT U.ID, U.Email FROM Users AS U WHERE U.Id = @__id_0
-- class apart-quoted-upper-case
SELECT u.id, u.email FROM "Users" AS u WHERE u.id = @__id_0
-- class apart-quoted-special-characters
SELECT u.id, u.email FROM "user accounts" AS u WHERE u.id = @__id_0
-- class apart-quoted-keyword
SELECT u.id, u.email FROM "user" AS u WHERE u.id = @__id_0
-- class values-rows
INSERT INTO tags (name, weight) VALUES ('a', 1), ('b', 2)
INSERT INTO tags (name, weight) VALUES (@p0, @p1), (@p2, @p3), (@p4, @p5), (@p6, @p7), (@p8, @p9), (@p10, @p11), (@p12, @p13), (@p14, @p15), (@p16, @p17), (@p18, @p19), (@p20, @p21), (@p22, @p23), (@p24, @p25), (@p26, @p27), (@p28, @p29), (@p30, @p31), (@p32, @p33), (@p34, @p35), (@p36, @p37), (@p38, @p39)
INSERT INTO tags (name, weight) VALUES ($1, $2), ($3, $4), ($5::int, -6)
-- class apart-values-one-row
INSERT INTO tags (name, weight) VALUES ('a', 1)
INSERT INTO tags (name, weight) VALUES (@p0, @p1)
-- class apart-values-rows-of-expressions
INSERT INTO tags (name, weight) VALUES ('a', now()), ('b', now())
-- class apart-values-rows-other-table
INSERT INTO labels (name, weight) VALUES ('a', 1), ('b', 2)
-- class limit-offset
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" LIMIT @__p_1 OFFSET @__p_0
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" OFFSET @__p_0 LIMIT @__p_1
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" LIMIT 10 OFFSET 20
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" offset 20 limit 10
-- class apart-limit-only
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" LIMIT @__p_1
-- class apart-offset-only
SELECT b."Id", b."Name" FROM "Blogs" AS b ORDER BY b."Name" OFFSET @__p_0
-- class literal-string-or-number
SELECT o."Id" FROM "Orders" AS o WHERE o."Status" = '5'
SELECT o."Id" FROM "Orders" AS o WHERE o."Status" = 5
SELECT o."Id" FROM "Orders" AS o WHERE o."Status" = 5.0
SELECT o."Id" FROM "Orders" AS o WHERE o."Status" = E'5'
-- class parameter-name
SELECT c."Id" FROM "Customers" AS c WHERE c."City" = @__city_0
SELECT c."Id" FROM "Customers" AS c WHERE c."City" = @city
SELECT c."Id" FROM "Customers" AS c WHERE c."City" = $1
SELECT c."Id" FROM "Customers" AS c WHERE c."City" = :city
-- class apart-aliased-blogs
SELECT t."Id", t."Name" FROM "Blogs" AS t WHERE t."Id" = @__id_0
-- class apart-aliased-posts
SELECT t."Id", t."Name" FROM "Posts" AS t WHERE t."Id" = @__id_0
-- class apart-aliased-posts-unquoted
SELECT t.id, t.name FROM posts AS t WHERE t.id = @id
SELECT t."id", t."name" FROM "posts" AS t WHERE t."id" = @id
-- class apart-aliased-tags-unquoted
SELECT t.id, t.name FROM tags AS t WHERE t.id = @id
