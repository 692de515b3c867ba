using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// Issue #16 part 1 on real PostgreSQL: a bound parameter value reaches no QueryWatch event while
/// LogParameterValues is off, though the custom plans carry it as a constant in the very text the
/// rules quote (a Filter wrapping a column, a group key, a sort key) and the server quotes it in its error.
/// </summary>
public sealed class SecretValuesTests(PostgresFixture postgres)
{
    private const string Secret = "SECRET-123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_parameter_value_reaches_no_event_when_values_are_not_logged()
    {
        await using var db = await CreateAsync("qw_secret_off", logValues: false);

        await RunSecretShapesAsync(db);

        foreach (var rule in new[] { "QW018", "QW005", "QW010" })
        {
            var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == rule);
            TestContext.Current.TestOutputHelper?.WriteLine($"{rule}: {finding.GetStructuredStateValue("Message")} Fix: {finding.GetStructuredStateValue("Suggestion")}");
        }
        var failed = await db.WaitForAsync(QueryWatchEventId.ExplainFailed);
        Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, failed.GetStructuredStateValue("SqlState"));
        Assert.Contains("invalid input syntax for type integer", failed.GetStructuredStateValue("Reason"), StringComparison.Ordinal);
        await db.WaitForHandledAsync(4);

        var index = db.Events(QueryWatchEventId.Finding).Single(r => r.GetStructuredStateValue("RuleId") == "QW018");
        Assert.Contains("<value>", index.GetStructuredStateValue("Suggestion"), StringComparison.Ordinal);
        Assert.Empty(db.Events(QueryWatchEventId.CommandValues));
        var leaks = db.Logs.GetSnapshot().Where(r => r.Category == Log.Category).SelectMany(Texts).Where(t => t.Contains(Secret, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "leaked: " + string.Join("\n", leaks));
    }

    [Fact]
    public async Task With_log_parameter_values_on_the_value_is_logged_in_the_findings_and_the_values_event()
    {
        await using var db = await CreateAsync("qw_secret_on", logValues: true);

        await RunSecretShapesAsync(db);

        var values = await db.WaitForAsync(QueryWatchEventId.CommandValues);
        Assert.Contains(Secret, values.GetStructuredStateValue("Parameters"), StringComparison.Ordinal);
        var index = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW018");
        Assert.Contains(Secret, index.GetStructuredStateValue("Suggestion"), StringComparison.Ordinal);
        foreach (var rule in new[] { "QW005", "QW010" })
        {
            var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == rule);
            Assert.Contains(Secret, finding.GetStructuredStateValue("Message"), StringComparison.Ordinal);
        }
        var failed = await db.WaitForAsync(QueryWatchEventId.ExplainFailed);
        Assert.Contains(Secret, failed.GetStructuredStateValue("Reason"), StringComparison.Ordinal);
    }

    private async Task<WatchedDatabase> CreateAsync(string name, bool logValues)
    {
        var db = await WatchedDatabase.CreateAsync(postgres, name, o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true; // a sort spill shows only in ANALYZE
            o.ExplainFailedCommands = true;
            o.LogParameterValues = logValues;
        }, rows: 200_000);
        await db.ExecuteAsync("ALTER TABLE items ADD COLUMN nick text; ANALYZE items;");
        return db;
    }

    private static async Task RunSecretShapesAsync(WatchedDatabase db)
    {
        await using var context = db.NewContext();
        var secret = Secret;
        // QW018: a column wrapped with the value, the expression index needs it.
        Assert.Empty(await context.Items.FromSqlInterpolated($"SELECT * FROM items WHERE COALESCE(nick, {secret}) = 'x'").ToListAsync(Ct));
        // QW005: an aggregate over the whole table grouped by an expression holding the value.
        Assert.Single(await context.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM items GROUP BY (name = {secret})").ToListAsync(Ct));
        // QW010: a sort keyed on the value that does not fit work_mem.
        Assert.Equal(200_000, (await context.Items.FromSqlInterpolated($"SELECT * FROM items ORDER BY (name = {secret}) DESC, name, id").ToListAsync(Ct)).Count);
        // 2001: the server rejects the value, quoting it.
        await Assert.ThrowsAsync<PostgresException>(() =>
            context.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM items WHERE id = CAST({secret} AS integer)").ToListAsync(Ct));
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        if (record.Exception is not null) yield return record.Exception.ToString();
        foreach (var (_, value) in record.StructuredState ?? []) yield return value ?? "";
    }
}
