using Microsoft.EntityFrameworkCore;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>The explain worker checks the index a finding suggests, where the database has hypopg.</summary>
public sealed class IndexAdviceInWorkerTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Index_suggested_for_a_captured_command_is_verified_with_hypopg_and_bound_parameters()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_advice", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true; // QW009 judges the rows its Filter removed
        }, rows: 200_000);
        await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await Advice.AdviceDatabase.CreateHypopgAsync(connection);
        }
        await using var context = db.NewContext();
        var wanted = "rare";

        await context.Items.Where(i => i.Note == wanted).ToListAsync(Ct);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        var suggestion = finding.GetStructuredStateValue("Suggestion")!;
        Assert.Contains("CREATE INDEX CONCURRENTLY", suggestion, StringComparison.Ordinal);
        Assert.Contains("Verified with hypopg", suggestion, StringComparison.Ordinal);
        // The parameter value the app bound never reaches the log, verified or not.
        Assert.DoesNotContain("rare", suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_hypopg_the_suggestion_is_logged_and_marked_not_verified()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_noadvice", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true; // QW009 judges the rows its Filter removed
        }, rows: 200_000);
        await using var context = db.NewContext();

        await context.Items.Where(i => i.Note == "rare").ToListAsync(Ct);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        var suggestion = finding.GetStructuredStateValue("Suggestion")!;
        Assert.Contains("CREATE INDEX CONCURRENTLY", suggestion, StringComparison.Ordinal);
        Assert.Contains("not verified", suggestion, StringComparison.OrdinalIgnoreCase);
    }
}
