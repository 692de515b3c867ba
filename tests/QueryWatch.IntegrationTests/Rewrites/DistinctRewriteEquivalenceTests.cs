using System.Globalization;
using Npgsql;
using QueryWatch.Rewrites;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// Issue 6, "Done means": on real PostgreSQL, over seeded datasets with duplicates, NULLs and
/// empty tables, each rewritten statement gives the answer its original gives — the same
/// boolean (RW002), the same three-valued membership (RW003), and for RW001 the same row count
/// and a row the original could have returned.
/// </summary>
public sealed class DistinctRewriteEquivalenceTests(RewriteDatasets datasets) : IClassFixture<RewriteDatasets>
{
    public static TheoryData<string> SubqueryCases() =>
    [
        "SELECT t.id, EXISTS (SELECT DISTINCT u.a FROM u WHERE u.b = t.b) FROM t ORDER BY t.id",
        "SELECT t.id, NOT EXISTS (SELECT DISTINCT ON (u.a) u.b FROM u WHERE u.a IS NOT DISTINCT FROM t.a ORDER BY u.a, u.b DESC) FROM t ORDER BY t.id",
        "SELECT EXISTS (SELECT DISTINCT a, count(*) FROM u GROUP BY a HAVING count(*) > 1)",
        "SELECT t.id, EXISTS (SELECT DISTINCT u.a, row_number() OVER (ORDER BY u.id) FROM u WHERE u.a > t.a) FROM t ORDER BY t.id",
        "SELECT t.id, t.a IN (SELECT DISTINCT u.a FROM u) FROM t ORDER BY t.id",
        "SELECT t.id, t.a NOT IN (SELECT DISTINCT u.a FROM u WHERE u.b <> 2) FROM t ORDER BY t.id",
        "SELECT t.id, (t.a, t.b) NOT IN (SELECT DISTINCT u.a, u.b FROM u) FROM t ORDER BY t.id",
        "SELECT t.id, t.b IN (SELECT DISTINCT u.b FROM u WHERE u.a IS NULL OR u.a = t.a) FROM t ORDER BY t.id",
        "SELECT count(*) FROM t WHERE t.b NOT IN (SELECT DISTINCT u.b FROM u) AND EXISTS (SELECT DISTINCT 1 FROM u WHERE u.a = t.a)",
    ];

    [Theory]
    [MemberData(nameof(SubqueryCases))]
    public async Task Existence_and_membership_answers_are_unchanged_by_the_rewrite(string sql)
    {
        var rewrite = DistinctRewriter.TryRewrite(sql);
        Assert.NotNull(rewrite);
        Assert.DoesNotContain("RW001", rewrite.RewriteIds);

        await using var connection = await OpenAsync();
        for (var seed = 0; seed < RewriteDatasets.Count; seed++)
        {
            var original = await QueryAsync(connection, seed, sql);
            var rewritten = await QueryAsync(connection, seed, rewrite.RewrittenSql);
            Assert.True(original.SequenceEqual(rewritten), $"d{seed}: {sql}\noriginal:  {string.Join("; ", original)}\nrewritten: {string.Join("; ", rewritten)}");
        }
    }

    /// <summary>An RW001 statement, the same query with neither DISTINCT nor LIMIT (every row the original could pick from), and the output columns its ORDER BY ranks by.</summary>
    public static TheoryData<string, string, int[]> LimitOneCases() => new()
    {
        { "SELECT DISTINCT a FROM t WHERE b > 1 LIMIT 1", "SELECT a FROM t WHERE b > 1", [] },
        { "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC LIMIT 1", "SELECT a, b FROM t", [0, 1] },
        { "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a LIMIT 1", "SELECT a, b FROM t", [0] },
        { "SELECT DISTINCT ON (a) 1 AS x FROM t WHERE b = 2 LIMIT 1", "SELECT 1 AS x FROM t WHERE b = 2", [] },
        { "SELECT DISTINCT ON (a, b) id FROM t LIMIT 1 OFFSET 0", "SELECT id FROM t", [] },
        { "SELECT DISTINCT a, b FROM t ORDER BY b NULLS FIRST, a DESC FETCH FIRST 1 ROW ONLY", "SELECT a, b FROM t", [0, 1] },
        { "SELECT DISTINCT count(*) FROM t WHERE a IS NULL LIMIT 1", "SELECT count(*) FROM t WHERE a IS NULL", [0] },
        { "SELECT DISTINCT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY count(*) DESC, a LIMIT 1", "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1", [0, 1] },
        { "SELECT DISTINCT t.a FROM t WHERE EXISTS (SELECT DISTINCT 1 FROM u WHERE u.b = t.b) ORDER BY t.a LIMIT 1", "SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.b = t.b)", [0] },
    };

    [Theory]
    [MemberData(nameof(LimitOneCases))]
    public async Task Limit_one_rewrite_returns_a_row_the_original_could_have_returned(string sql, string candidatesSql, int[] orderColumns)
    {
        var rewrite = DistinctRewriter.TryRewrite(sql);
        Assert.NotNull(rewrite);
        Assert.Equal("RW001", rewrite.RewriteIds[0]);

        await using var connection = await OpenAsync();
        for (var seed = 0; seed < RewriteDatasets.Count; seed++)
        {
            await AssertSameRowAsync(connection, seed, sql, rewrite.RewrittenSql, candidatesSql, orderColumns, parameters: []);
        }
    }

    [Fact]
    public async Task Limit_placeholder_rewrite_holds_when_the_value_is_one_and_is_refused_otherwise()
    {
        const string sql = "SELECT DISTINCT a FROM t WHERE b <> @b ORDER BY a DESC LIMIT @n";
        var rewrite = DistinctRewriter.TryRewrite(sql);
        Assert.NotNull(rewrite);
        Assert.Equal("@n", rewrite.LimitParameterName);
        Assert.False(DistinctRewriter.AppliesTo(rewrite, name => name == "@n" ? 2 : 3));

        await using var connection = await OpenAsync();
        for (var seed = 0; seed < RewriteDatasets.Count; seed++)
        {
            (string, object)[] parameters = [("b", 3), ("n", 1)];
            Assert.True(DistinctRewriter.AppliesTo(rewrite, name => parameters.Single(p => "@" + p.Item1 == name).Item2));
            await AssertSameRowAsync(connection, seed, sql, rewrite.RewrittenSql, "SELECT a FROM t WHERE b <> @b", [0], parameters);
        }
    }

    [Fact]
    public async Task Distinct_on_under_in_and_distinct_before_except_all_matter_so_they_are_left_alone()
    {
        // What the rewriter refuses, shown on PostgreSQL: here dropping the DISTINCT would change the answer.
        const string membership = "SELECT 2 IN (SELECT DISTINCT ON (a) b FROM (VALUES (1, 1), (1, 2)) v(a, b) ORDER BY a, b)";
        const string existence = "SELECT EXISTS (SELECT DISTINCT a FROM (VALUES (1), (1)) v(a) EXCEPT ALL SELECT 1)";
        Assert.Null(DistinctRewriter.TryRewrite(membership));
        Assert.Null(DistinctRewriter.TryRewrite(existence));

        await using var connection = await OpenAsync();
        Assert.Equal("False", (await QueryAsync(connection, 0, membership)).Single());
        Assert.Equal("True", (await QueryAsync(connection, 0, membership.Replace("DISTINCT ON (a) ", "", StringComparison.Ordinal))).Single());
        Assert.Equal("False", (await QueryAsync(connection, 0, existence)).Single());
        Assert.Equal("True", (await QueryAsync(connection, 0, existence.Replace("DISTINCT ", "", StringComparison.Ordinal))).Single());
    }

    private static async Task AssertSameRowAsync(
        NpgsqlConnection connection, int seed, string sql, string rewrittenSql, string candidatesSql, int[] orderColumns, (string, object)[] parameters)
    {
        var original = await QueryAsync(connection, seed, sql, parameters);
        var rewritten = await QueryAsync(connection, seed, rewrittenSql, parameters);
        var context = $"d{seed}: {sql}\noriginal:  {string.Join("; ", original)}\nrewritten: {string.Join("; ", rewritten)}";
        Assert.True(original.Count == rewritten.Count && original.Count <= 1, context);
        if (rewritten.Count == 0)
        {
            return;
        }

        var candidates = await QueryAsync(connection, seed, candidatesSql, parameters);
        Assert.True(candidates.Contains(rewritten[0]), context);
        var originalKey = orderColumns.Select(c => original[0].Split('|')[c]);
        var rewrittenKey = orderColumns.Select(c => rewritten[0].Split('|')[c]);
        Assert.True(originalKey.SequenceEqual(rewrittenKey), context);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(datasets.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>Each row as its values joined by <c>|</c>, NULL spelled out.</summary>
    private static async Task<List<string>> QueryAsync(NpgsqlConnection connection, int seed, string sql, params (string Name, object Value)[] parameters)
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var path = new NpgsqlCommand($"SET search_path = d{seed}", connection))
        {
            await path.ExecuteNonQueryAsync(ct);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            }

            rows.Add(string.Join('|', values));
        }

        return rows;
    }
}
