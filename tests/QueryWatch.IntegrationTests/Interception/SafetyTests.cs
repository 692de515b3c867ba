using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>DESIGN.md's promises: never fail the app, never change data, never leak values, never grow.</summary>
public sealed class SafetyTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Unreachable_explain_server_costs_a_warning_and_the_app_its_result()
    {
        var explainAt = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=2";
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_unreachable", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainConnectionString = explainAt;
        });
        await using var context = db.NewContext();

        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.Equal(1, (await context.Items.SingleAsync(i => i.Id == 1, Ct)).Id);

        var warning = await db.WaitForAsync(QueryWatchEventId.ExplainUnavailable);
        Assert.NotNull(warning.GetStructuredStateValue("BackoffSeconds"));
    }

    [Fact]
    public async Task Explain_refused_for_lack_of_permission_is_logged_and_the_app_carries_on()
    {
        var role = "qw_limited_" + Guid.NewGuid().ToString("N")[..8];
        string? explainAt = null;
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_denied", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainConnectionString = explainAt;
        });
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN; REVOKE ALL ON items FROM PUBLIC;");
        explainAt = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role }.ConnectionString;

        await using var context = db.NewContext();
        Assert.Equal(100, await context.Items.CountAsync(Ct));

        var refused = await db.WaitForAsync(QueryWatchEventId.ExplainRefused);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.GetStructuredStateValue("SqlState"));
    }

    [Fact]
    public async Task Explain_analyze_of_a_select_calling_a_writing_function_changes_nothing()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_writer", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMilliseconds(100);
            o.ExplainAnalyze = true;
        });
        await db.ExecuteAsync("""
            CREATE TABLE counters (n int NOT NULL);
            INSERT INTO counters VALUES (0);
            CREATE FUNCTION bump() RETURNS int LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_sleep(0.2);
                UPDATE counters SET n = n + 1;
                RETURN 1;
            END $$;
            """);
        await using var context = db.NewContext();

        Assert.Equal([1], await context.Database.SqlQueryRaw<int>("SELECT bump() AS \"Value\"").ToListAsync(Ct));

        // bump() is VOLATILE: ANALYZE is not even tried (issue #16); READ ONLY stays as the second line.
        var skipped = await db.WaitForAsync(QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions);
        Assert.Equal("bump", skipped.GetStructuredStateValue("VolatileFunctions"));
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT n FROM counters"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Parameter_values_and_literals_reach_the_logs_only_when_opted_in(bool logParameterValues)
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_secrets", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainAnalyze = true;
            o.LogParameterValues = logParameterValues;
        }, rows: 60_000);
        await using var context = db.NewContext();
        var secret = "param-secret-123";

        await context.Items.Where(i => i.Note == secret || i.Name == "literal-secret-456").ToListAsync(Ct);

        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW009");
        // The values event (3003) follows the findings; ExplainCompleted closes the command, so
        // everything QueryWatch will log about it is in the snapshot (a race the first version lost).
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        var texts = db.Logs.GetSnapshot()
            .SelectMany(r => (r.StructuredState ?? []).Select(kv => kv.Value ?? "").Append(r.Message))
            .ToList();
        Assert.Equal(logParameterValues, texts.Any(t => t.Contains(secret, StringComparison.Ordinal)));
        Assert.Equal(logParameterValues, texts.Any(t => t.Contains("literal-secret-456", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Flood_of_ten_thousand_captured_commands_keeps_the_queue_bounded_and_counts_drops()
    {
        var explainAt = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=2";
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_flood", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainConnectionString = explainAt;
            o.QueueCapacity = 64;
        });
        await using var context = db.NewContext();
        await context.Database.OpenConnectionAsync(Ct);
        var payload = new byte[16 * 1024]; // each capture copies it: 10,000 unbounded would be 160 MB

        await context.Database.ExecuteSqlRawAsync("SELECT length(@p)", [new NpgsqlParameter("p", payload)], Ct);
        using var droppedCounter = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(null, "QueryWatch", "querywatch.queue.dropped");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 10_000; i++)
        {
            await context.Database.ExecuteSqlRawAsync("SELECT length(@p)", [new NpgsqlParameter("p", payload)], Ct);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Empty(db.Events(QueryWatchEventId.CaptureFailed).Select(r => r.Exception?.ToString()));
        var pipeline = Assert.IsType<QueryWatch.Explain.ExplainPipeline>(db.Pipeline);
        Assert.True(pipeline.Dropped >= 10_000 - 64 - pipeline.Handled - 1, $"dropped {pipeline.Dropped}, handled {pipeline.Handled}");
        Assert.True(after - before < 16 * 1024 * 1024, $"memory grew by {(after - before) / 1024} KB");
        Assert.True(droppedCounter.GetMeasurementSnapshot().Sum(m => m.Value) >= pipeline.Dropped - 1, "drops are counted on the meter");
        await db.WaitForAsync(QueryWatchEventId.CaptureDropped);
    }

    [Fact]
    public async Task A_failure_inside_QueryWatch_is_logged_once_and_never_reaches_the_app()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_inner_failure", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainConnectionString = "this is not = a connection string;;=";
        });
        await using var context = db.NewContext();

        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.Equal("item 7", (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Name);

        Assert.Single(db.Events(QueryWatchEventId.CaptureFailed));
    }
}
