using System.Globalization;
using System.Text.Json;
using Npgsql;
using QueryWatch.Cli;
using QueryWatch.Diagnostics;
using QueryWatch.Explain.Store;

namespace QueryWatch.IntegrationTests.Store;

/// <summary>
/// Issue #14 end to end on a real cluster: a fleet of app instances (separate hosts and service providers) sharing
/// one Store explains a new slow statement once, counts every capture, and <c>querywatch report</c> ranks the result.
/// </summary>
public sealed class FleetStoreTests(FleetCluster cluster) : IClassFixture<FleetCluster>
{
    // A new slow statement that raises QW009 on its estimated plan: 100,000 rows scanned for a few. Hashing 1 kB per
    // row makes it slow on every run (a pg_sleep gated by the filter may never run when no row passes it).
    private const string SlowStatement = "SELECT i.id AS \"Value\" FROM items i WHERE md5(i.name || repeat('s', 1000)) = 'slow'";
    private const string CheapStatement = "SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'cheap'";
    private const int Rows = 100_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CliRun Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, new CliConsole(new StringReader(""), output, error, Colour: false));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    private sealed record CliRun(int ExitCode, string Out, string Error);

    private async Task<(string App, string Store)> CreateAsync(string name)
    {
        var app = await cluster.CreateDatabaseAsync(name + "_app", Rows);
        var store = await cluster.CreateDatabaseAsync(name + "_store");
        var init = Cli("store", "init", "--connection", store);
        Assert.True(init.ExitCode == ExitCodes.Ok, init.Error);
        Assert.Contains("version " + StoreSchema.CurrentVersion.ToString(CultureInfo.InvariantCulture), init.Out, StringComparison.Ordinal);
        return (app, store);
    }

    /// <summary>Polls the Store until <paramref name="ready"/> holds for what the report reads.</summary>
    private static async Task<IReadOnlyList<FleetFinding>> WaitForReportAsync(string store, Func<IReadOnlyList<FleetFinding>, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var findings = await FleetReportReader.ReadAsync(store, DateTimeOffset.UtcNow.AddHours(-1), Ct);
            if (ready(findings)) return findings;
            Assert.True(DateTime.UtcNow < deadline, "The Store never held the expected findings; it holds:\n"
                + string.Join("\n", findings.Select(f => $"{f.RuleId} {f.Sql} count {f.Count} instances {f.Instances}")));
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Three_instances_with_one_store_explain_a_new_slow_statement_once_and_the_report_ranks_it_first()
    {
        var (app, store) = await CreateAsync("fleet3");
        await using var a = await FleetHost.StartAsync(app, store);
        await using var b = await FleetHost.StartAsync(app, store);
        await using var c = await FleetHost.StartAsync(app, store);
        FleetHost[] fleet = [a, b, c];

        foreach (var host in fleet) Assert.Empty(await host.QueryAsync(SlowStatement, Ct));
        await a.QueryAsync(CheapStatement, Ct);
        foreach (var host in fleet) await host.WaitForHandledAsync(host == a ? 2 : 1);

        // One of the three won the claim and explained the statement; the other two only counted it.
        var explained = fleet.SelectMany(h => h.Events(QueryWatchEventId.ExplainCompleted)).Where(e => (string?)e.GetStructuredStateValue("Outcome") == "Slow").ToList();
        var slowFingerprint = fleet.SelectMany(h => h.Events(QueryWatchEventId.Finding)).First(e => e.GetStructuredStateValue("Sql")!.Contains("md5", StringComparison.Ordinal))
            .GetStructuredStateValue("Fingerprint");
        Assert.Single(explained, e => e.GetStructuredStateValue("Fingerprint") == slowFingerprint);
        Assert.Equal(2, fleet.Sum(h => h.Events(QueryWatchEventId.StoreClaimLost).Count));

        var findings = await WaitForReportAsync(store, f => f.Any(x => x.Fingerprint == slowFingerprint && x.Count == 3) && f.Any(x => x.Fingerprint != slowFingerprint));
        // One row per (statement, rule), each counting the three captures of the three instances.
        var slowFindings = findings.Where(f => f.Fingerprint == slowFingerprint).ToList();
        Assert.NotEmpty(slowFindings);
        Assert.Equal(slowFindings.Count, slowFindings.Select(f => f.RuleId).Distinct().Count());
        foreach (var slow in slowFindings)
        {
            Assert.Equal(3, slow.Count);
            Assert.Equal(3, slow.SlowCount);
            Assert.Equal(3, slow.Instances);
            Assert.NotNull(slow.Plan);
            Assert.DoesNotContain("slow'", slow.Plan, StringComparison.Ordinal);
            Assert.DoesNotContain("slow'", slow.Sql, StringComparison.Ordinal);
        }

        var report = Cli("report", "--connection", store, "--since", "1h", "--format", "json");
        Assert.True(report.ExitCode == ExitCodes.Ok, report.Error);
        using var json = JsonDocument.Parse(report.Out);
        var rows = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var slowRows = rows.Where(r => r.GetProperty("fingerprint").GetString() == slowFingerprint).ToList();
        Assert.Equal(slowFindings.Count, slowRows.Count);
        var printed = slowRows[0];
        Assert.Equal(3, printed.GetProperty("count").GetInt64());
        Assert.Equal(3, printed.GetProperty("instances").GetInt32());
        var cheapIndex = rows.FindIndex(r => r.GetProperty("fingerprint").GetString() != slowFingerprint);
        Assert.True(cheapIndex >= 0, "the cheap statement's finding is in the report:\n" + report.Out);
        Assert.True(cheapIndex > rows.FindLastIndex(r => r.GetProperty("fingerprint").GetString() == slowFingerprint), "the less costly finding ranks below:\n" + report.Out);
        foreach (var property in new[] { "ruleId", "ruleName", "severity", "fingerprint", "queryId", "sql", "count", "slowCount", "cancelledCount", "timedOutCount",
                     "instances", "capturedMs", "calls", "totalTimeMs", "firstSeen", "lastSeen", "message", "suggestion" })
            Assert.True(printed.TryGetProperty(property, out _), property);

        // Explained once: one plan shape recorded for the statement, one sample.
        await using (var connection = new NpgsqlConnection(store))
        {
            await connection.OpenAsync(Ct);
            await using var plans = new NpgsqlCommand("SELECT count(*), sum(sample_count)::bigint FROM querywatch.plans WHERE fingerprint = $1", connection)
            {
                Parameters = { new() { Value = unchecked((long)ulong.Parse(slowFingerprint!, NumberStyles.HexNumber, CultureInfo.InvariantCulture)) } },
            };
            await using var reader = await plans.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal(1, reader.GetInt64(0));
            Assert.Equal(1, reader.GetInt64(1));
        }

        var page = Path.Combine(Path.GetTempPath(), "qw-report-" + Guid.NewGuid().ToString("N") + ".html");
        try
        {
            var html = Cli("report", "--connection", store, "--since", "1h", "--format", "html", "-o", page);
            Assert.True(html.ExitCode == ExitCodes.Ok, html.Error);
            Assert.Contains(slowFingerprint!, await File.ReadAllTextAsync(page, Ct), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(page);
        }

        // The text form prints each (statement, rule) once: one "when:" line per finding of the slow statement.
        var text = Cli("report", "--connection", store, "--since", "1h");
        Assert.True(text.ExitCode == ExitCodes.Ok, text.Error);
        var slowRules = findings.Count(f => f.Fingerprint == slowFingerprint);
        Assert.Equal(slowRules, text.Out.Split('\n').Count(l => l.Contains("fingerprint " + slowFingerprint, StringComparison.Ordinal)));
        Assert.Contains("3 captures (3 slow, 0 cancelled, 0 timed out) by 3 instances", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_event_carries_calls_and_total_time_as_pg_stat_statements_counts_them()
    {
        var (app, store) = await CreateAsync("impact");
        const string statement = "SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'impact'";
        // Three completed executions QueryWatch does not see, then one it captures and explains.
        await using (var connection = new NpgsqlConnection(app))
        {
            await connection.OpenAsync(Ct);
            for (var i = 0; i < 3; i++)
            {
                await using var command = new NpgsqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync(Ct);
            }
        }
        await using var host = await FleetHost.StartAsync(app, store);

        await host.QueryAsync(statement, Ct);

        var finding = await host.WaitForAsync(QueryWatchEventId.Finding, e => e.GetStructuredStateValue("RuleId") == "QW009");
        var queryId = finding.GetStructuredStateValue("QueryId");
        Assert.NotNull(queryId);
        await using var stats = new NpgsqlConnection(app);
        await stats.OpenAsync(Ct);
        await using var read = new NpgsqlCommand(
            "SELECT sum(calls)::bigint, sum(total_exec_time) FROM pg_stat_statements WHERE queryid = $1 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())", stats)
        {
            Parameters = { new() { Value = long.Parse(queryId, CultureInfo.InvariantCulture) } },
        };
        await using var reader = await read.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(4, reader.GetInt64(0));
        Assert.Equal(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), finding.GetStructuredStateValue("Calls"));
        var total = double.Parse(finding.GetStructuredStateValue("TotalTimeMs")!, CultureInfo.InvariantCulture);
        Assert.InRange(total, reader.GetDouble(1) - 0.06, reader.GetDouble(1) + 0.06);
        Assert.Equal("0", finding.GetStructuredStateValue("CancelledCount"));
    }

    [Fact]
    public async Task Statement_only_ever_cancelled_ranks_by_its_cancelled_count_and_captured_time()
    {
        var (app, store) = await CreateAsync("cancelled");
        const string cancelled = "SELECT i.id AS \"Value\" FROM items i WHERE md5(i.name || repeat('c', 50000)) = 'cancelled'";
        const string completed = "SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'completed'";
        // Npgsql's command timeout (1 s) cancels it each time: TimedOut, which CancelledCount counts with the cancellations.
        await using var host = await FleetHost.StartAsync(app, store, commandTimeoutSeconds: 1);
        // EF builds its model on the first query: not inside the statement's second.
        Assert.Equal([1], await host.QueryAsync("SELECT 1 AS \"Value\"", Ct));

        for (var i = 0; i < 2; i++) await Assert.ThrowsAnyAsync<Exception>(() => host.QueryAsync(cancelled, Ct));
        for (var i = 0; i < 3; i++) await host.QueryAsync(completed, Ct);
        await host.WaitForHandledAsync(6);

        // The event of the cancelled statement's finding counts its two cancellations, which pg_stat_statements never sees.
        var cancelledFinding = await host.WaitForAsync(QueryWatchEventId.Finding, e => e.GetStructuredStateValue("Outcome") == "TimedOut");
        Assert.Equal("1", cancelledFinding.GetStructuredStateValue("CancelledCount"));
        Assert.Null(cancelledFinding.GetStructuredStateValue("Calls"));

        var findings = await WaitForReportAsync(store, f => f.Any(x => x.CancelledCount + x.TimedOutCount == 2) && f.Any(x => x.Calls is > 0));
        var first = findings[0];
        Assert.Equal(2, first.CancelledCount + first.TimedOutCount);
        Assert.Equal(0, first.SlowCount);
        Assert.Null(first.Calls);
        Assert.Null(first.TotalTimeMs);
        Assert.True(first.UnfinishedMs >= 2 * 900, $"unfinished {first.UnfinishedMs} ms");
        Assert.Equal(first.UnfinishedMs, first.CostMs);
        var lastCancelled = findings.ToList().FindLastIndex(f => f.CancelledCount + f.TimedOutCount == 2);
        var firstCompleted = findings.ToList().FindIndex(f => f.Calls is > 0);
        Assert.True(lastCancelled < firstCompleted, string.Join("\n", findings.Select(f => $"{f.RuleId} {f.Sql} cost {f.CostMs}")));
    }

    [Fact]
    public async Task Store_on_a_stopped_server_costs_one_warning_the_app_carries_on_and_recovery_is_logged()
    {
        var app = await cluster.CreateDatabaseAsync("outage_app", 1_000);
        await using var storeServer = await QueryWatch.Testing.TestPostgres.StartAsync(new QueryWatch.Testing.TestPostgresOptions { ExternalConnectionString = null }, Ct);
        var store = await storeServer.CreateDatabaseAsync("outage_store", Ct);
        Assert.Equal(ExitCodes.Ok, Cli("store", "init", "--connection", store).ExitCode);
        await using var host = await FleetHost.StartAsync(app, store, new() { ["QueryWatch:ExplainCooldown"] = "00:00:00" });
        Assert.Equal([1], await host.QueryAsync("SELECT 1 AS \"Value\"", Ct));
        await host.WaitForHandledAsync(1);

        await Interception.ClusterOutage.StopAsync(storeServer, Ct);
        for (var i = 0; i < 5; i++) Assert.Equal([i], await host.QueryAsync($"SELECT {i} AS \"Value\" FROM items WHERE id = 1", Ct));
        await host.WaitForHandledAsync(6);

        // Said once, at warning; the worker explained on without the Store.
        Assert.Single(host.Events(QueryWatchEventId.StoreUnavailable), e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.True(host.Events(QueryWatchEventId.ExplainCompleted).Count >= 6, "explained without the Store");

        await Interception.ClusterOutage.StartAsync(storeServer, Ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var n = 6;
        while (host.Events(QueryWatchEventId.StoreRecovered).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no StoreRecovered event");
            Assert.Equal([n], await host.QueryAsync($"SELECT {n} AS \"Value\"", Ct));
            n++;
            await Task.Delay(250, Ct);
        }
        Assert.Single(host.Events(QueryWatchEventId.StoreUnavailable), e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Dba_script_creates_the_schema_store_init_then_has_nothing_to_do_and_the_script_runs_again_unchanged()
    {
        var store = await cluster.CreateDatabaseAsync("dba_store");
        await using (var connection = new NpgsqlConnection(store))
        {
            await connection.OpenAsync(Ct);
            for (var i = 0; i < 2; i++)
            {
                await using var script = new NpgsqlCommand(StoreSchema.Script(), connection);
                await script.ExecuteNonQueryAsync(Ct);
            }
            Assert.Equal(StoreSchema.CurrentVersion, await StoreSchema.ReadVersionAsync(connection, Ct));
        }

        var init = Cli("store", "init", "--connection", store);

        Assert.True(init.ExitCode == ExitCodes.Ok, init.Error);
        Assert.Contains("nothing to do", init.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_without_its_schema_is_refused_once_and_created_by_the_worker_only_with_CreateSchema()
    {
        var app = await cluster.CreateDatabaseAsync("schema_app", 1_000);
        var store = await cluster.CreateDatabaseAsync("schema_store");
        await using (var refused = await FleetHost.StartAsync(app, store))
        {
            Assert.Equal([1], await refused.QueryAsync("SELECT 1 AS \"Value\"", Ct));
            var warning = await refused.WaitForAsync(QueryWatchEventId.StoreUnavailable);
            Assert.Contains("store init", (string?)warning.GetStructuredStateValue("Fix"), StringComparison.Ordinal);
            Assert.Equal("schema querywatch is not there", warning.GetStructuredStateValue("Reason"));
            // Explained all the same, on the process's own cooldown.
            await refused.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        }
        await using (var check = new NpgsqlConnection(store))
        {
            await check.OpenAsync(Ct);
            Assert.Equal(0, await StoreSchema.ReadVersionAsync(check, Ct));
        }

        await using var creating = await FleetHost.StartAsync(app, store, new() { ["QueryWatch:Store:CreateSchema"] = "true" });
        Assert.Equal([2], await creating.QueryAsync("SELECT 2 AS \"Value\"", Ct));

        var created = await creating.WaitForAsync(QueryWatchEventId.StoreSchemaCreated);
        Assert.Equal(StoreSchema.CurrentVersion.ToString(CultureInfo.InvariantCulture), created.GetStructuredStateValue("ToVersion"));
        Assert.Empty(creating.Events(QueryWatchEventId.StoreUnavailable));
    }

    [Fact]
    public async Task Report_redacts_what_an_instance_logging_values_stored_unless_values_are_asked_for()
    {
        var (app, store) = await CreateAsync("values");
        await using (var host = await FleetHost.StartAsync(app, store, new() { ["QueryWatch:LogParameterValues"] = "true" }))
        {
            await host.QueryAsync("SELECT i.id AS \"Value\" FROM items i WHERE i.note = 'secret-note-4711'", Ct);
            await host.WaitForAsync(QueryWatchEventId.Finding);
            await WaitForReportAsync(store, f => f.Count > 0);
        }

        // The stored plan holds the constant (the page draws it); the SQL is normalized either way.
        var json = Cli("report", "--connection", store, "--since", "1h", "--format", "json");
        var page = Cli("report", "--connection", store, "--since", "1h", "--format", "html");
        var shown = Cli("report", "--connection", store, "--since", "1h", "--format", "html", "--show-values");

        Assert.True(page.ExitCode == ExitCodes.Ok, page.Error);
        Assert.DoesNotContain("secret-note-4711", json.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-note-4711", page.Out, StringComparison.Ordinal);
        Assert.Contains("secret-note-4711", shown.Out, StringComparison.Ordinal);
    }
}
