using System.Text;
using Npgsql;
using QueryWatch.Plans;

namespace QueryWatch.IntegrationTests.Rules;

/// <summary>EXPLAIN of a <see cref="LiveQuery"/> as the server prints it, and the plan the parsers read from it.</summary>
internal static class LivePlanCapture
{
    /// <summary>
    /// Explains <paramref name="query"/> in TEXT or JSON, estimated or with ANALYZE, BUFFERS, inside a
    /// transaction that is rolled back: the settings, any index the query needs, and the row locks an
    /// analyzed FOR UPDATE takes all end with it.
    /// </summary>
    public static async Task<string> ExplainAsync(string connectionString, LiveQuery query, string format, bool analyze)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (name, value) in query.Settings)
        {
            await using var set = new NpgsqlCommand("SELECT set_config(@name, @value, true)", connection, tx);
            set.Parameters.AddWithValue("name", name);
            set.Parameters.AddWithValue("value", value);
            await set.ExecuteNonQueryAsync(ct);
        }
        foreach (var statement in query.Setup)
        {
            await using var setup = new NpgsqlCommand(statement, connection, tx) { CommandTimeout = 120 };
            await setup.ExecuteNonQueryAsync(ct);
        }

        var options = (analyze ? "ANALYZE, BUFFERS, " : "") + "FORMAT " + format.ToUpperInvariant();
        await using var explain = new NpgsqlCommand($"EXPLAIN ({options}) {query.Sql}", connection, tx) { CommandTimeout = 120 };
        var output = new StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) output.Append(reader.GetString(0)).Append('\n');
        }
        await tx.RollbackAsync(ct);
        return output.ToString();
    }

    /// <summary>The plan read by the parser for <paramref name="format"/>, not the auto-detecting reader.</summary>
    public static Plan Parse(string explained, string format) =>
        format == "json" ? JsonPlanParser.Parse(explained) : TextPlanParser.Parse(explained);
}
