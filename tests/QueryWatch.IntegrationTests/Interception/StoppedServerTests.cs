using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>DESIGN.md's promise: a database that goes down costs a logged warning and a back-off, never the app's command.</summary>
public sealed class StoppedServerTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Explain_server_stopped_mid_run_costs_a_warning_and_the_app_carries_on()
    {
        // A second, private cluster stands in for a replica the worker explains on; the app's own
        // database stays up on the shared cluster.
        var replica = await TestPostgres.StartAsync(new TestPostgresOptions { ExternalConnectionString = null }, Ct);
        var replicaStopped = false;
        try
        {
            await using (var connection = new NpgsqlConnection(replica.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await using var create = new NpgsqlCommand("CREATE TABLE items (id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, note text)", connection);
                await create.ExecuteNonQueryAsync(Ct);
            }

            await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_stopped", o =>
            {
                o.SlowCommandThreshold = TimeSpan.FromTicks(1);
                o.ExplainCooldown = TimeSpan.Zero;
                o.ExplainConnectionString = replica.ConnectionString;
            });
            await using var context = db.NewContext();

            Assert.Equal(100, await context.Items.CountAsync(Ct));
            await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);

            await replica.DisposeAsync();
            replicaStopped = true;

            // The app's commands keep their results while the worker finds its server gone.
            Assert.Equal(100, await context.Items.CountAsync(Ct));
            Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);
            var warning = await db.WaitForAsync(QueryWatchEventId.ExplainUnavailable);
            Assert.NotNull(warning.GetStructuredStateValue("BackoffSeconds"));
            Assert.Equal(100, await context.Items.CountAsync(Ct));
        }
        finally
        {
            if (!replicaStopped) await replica.DisposeAsync();
        }
    }
}
