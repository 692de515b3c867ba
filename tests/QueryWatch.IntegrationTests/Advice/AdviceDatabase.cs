using Npgsql;
using QueryWatch.Plans;

namespace QueryWatch.IntegrationTests.Advice;

/// <summary>Small tables reproducing the bad plans the index advice is checked on, and the SQL helpers the tests share.</summary>
internal static class AdviceDatabase
{
    // ANALYZE samples 300 × the statistics target rows at random: at the default (30,000 of 200,000) a value such as
    // customer 42 sometimes landed in the most-common list at twice its true frequency, the LIMIT walk of the primary
    // key then cost less than the suggested index, and hypopg answered NotUsed (issue #18: QW014 failed once in a full
    // run). A target of 10,000 samples every row, so the statistics, and the planner's choices, are the same each run.
    public const string Schema = """
        SET default_statistics_target = 10000;
        SELECT setseed(0.42);
        CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, kind int NOT NULL, payload text NOT NULL);
        INSERT INTO events SELECT i, (i::bigint * 7919) % 20000, i % 100, md5(i::text) FROM generate_series(1, 200000) i;
        CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
        INSERT INTO users SELECT i, 'User' || i || '@Example.com' FROM generate_series(1, 100000) i;
        CREATE INDEX users_email ON users (email);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL);
        INSERT INTO orders SELECT i, i % 2000, i % 100 FROM generate_series(1, 200000) i;
        VACUUM ANALYZE events; VACUUM ANALYZE users; VACUUM ANALYZE orders;
        """;

    /// <summary>Set to 1 (as .ci/run does) to make a server without hypopg fail the tests that need it instead of skipping them.</summary>
    public const string RequireHypopgVariable = "QUERYWATCH_REQUIRE_HYPOPG";

    private const string HypopgHint =
        "hypopg is not installed for this PostgreSQL server: apt-get install postgresql-NN-hypopg (NN = the server's major version)";

    /// <summary>
    /// Creates hypopg in this test database. When the server lacks it the test is skipped with one line saying how to
    /// install it, so a newcomer's <c>dotnet test</c> is green; with <see cref="RequireHypopgVariable"/>=1 it fails instead.
    /// </summary>
    public static async Task CreateHypopgAsync(NpgsqlConnection connection)
    {
        await using (var available = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'", connection))
        {
            if ((long)(await available.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 0)
            {
                if (Environment.GetEnvironmentVariable(RequireHypopgVariable) == "1")
                    Assert.Fail($"{HypopgHint}; {RequireHypopgVariable}=1 requires it");
                Assert.Skip($"{HypopgHint}; set {RequireHypopgVariable}=1 to fail instead of skip");
            }
        }
        await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS hypopg");
    }

    /// <summary>Runs each statement on its own: VACUUM refuses a multi-statement batch, and ANALYZE's counters reset only outside the batch's transaction.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        foreach (var statement in QueryWatch.Sql.SqlStatementSplitter.Split(sql))
        {
            await using var command = new NpgsqlCommand(statement.Text, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    public static async Task<Plan> ExplainAsync(NpgsqlConnection connection, string sql, bool analyze)
    {
        await using var command = new NpgsqlCommand($"EXPLAIN ({(analyze ? "ANALYZE, BUFFERS, " : "")}FORMAT JSON) {sql}", connection);
        return PlanReader.Read((string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }
}
