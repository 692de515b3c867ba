using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.IntegrationTests.Interception;
using QueryWatch.Plans;
using QueryWatch.Rewrites;
using QueryWatch.Sql;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// The verification rule on real plans: a rewrite is booked only when its total cost is no higher than
/// the original's. Removing a DISTINCT never makes PostgreSQL's cheapest plan dearer, so the dearer
/// case is built by handing the verifier a cheaper original plan (a real EXPLAIN of another statement).
/// </summary>
public sealed class RewriteVerifierTests(PostgresFixture postgres)
{
    private const string Sql = "SELECT DISTINCT ON (category) 1 FROM items WHERE category < 50 LIMIT 1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("SELECT 1", false)]
    [InlineData(Sql, true)]
    public async Task Rewrite_is_booked_only_when_it_costs_no_more_than_the_original(string originalPlanOf, bool booked)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_rw_cost", _ => { });
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var logs = new FakeLogCollector();
        var explainer = new StatementExplainer(dataSource, TimeSpan.FromSeconds(5));
        var verifier = new RewriteVerifier(explainer, new FakeLogger(logs, Log.Category), logParameterValues: false);
        var settings = RewriteSettings.Create(new RewriteOptions { Mode = RewriteMode.Apply, Environments = ["Test"] }, "Test");
        var command = new CapturedCommand(Sql, [], CommandOutcome.Slow, TimeSpan.FromSeconds(1), null, null, default, DateTimeOffset.UtcNow, settings);
        var originalPlan = JsonPlanParser.Parse(await explainer.ExplainAsync(SqlStatementSplitter.Split(originalPlanOf)[0], [], analyze: false, Ct));

        await verifier.ConsiderAsync(command, originalPlan, SqlFingerprint.Compute(Sql), Ct);

        Assert.Equal(booked, settings.Book.Contains(Sql));
        Assert.Equal(booked, settings.Book.TryFind(Sql, out _));
        var events = logs.GetSnapshot();
        if (booked)
        {
            Assert.Single(events, r => r.Id.Id == QueryWatchEventId.RewriteVerified);
        }
        else
        {
            var rejected = Assert.Single(events, r => r.Id.Id == QueryWatchEventId.RewriteRejected);
            Assert.Contains("costs more", rejected.GetStructuredStateValue("Reason"));
        }
    }
}
