using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// QW027 repeated-statement at run time (issue #13 part 5), through EF on a real server: a loop of per-row queries in
/// one DbContext instance is reported once, when the statement's count reaches RepeatedStatementThreshold (20), with
/// that count and the operation it ran in; fewer repetitions, the same number spread over two instances, a threshold
/// of 0 and a pooled context rented again say nothing. Where nothing must be logged, a sentinel loop that must be
/// reported runs last: its event shows the reports queued before it have been written.
/// </summary>
public sealed class RepeatedStatementTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WatchedDatabase> Database(PostgresFixture postgres, string name, int threshold = 20) =>
        WatchedDatabase.CreateAsync(postgres, name, o =>
        {
            // Nothing is slow: the only findings are QW027.
            o.SlowCommandThreshold = TimeSpan.FromHours(1);
            o.RepeatedStatementThreshold = threshold;
        });

    private static async Task PerRowAsync(ItemsContext context, int rows)
    {
        for (var id = 1; id <= rows; id++)
            await context.Items.Where(i => i.Id == id).Select(i => i.Name).FirstAsync(Ct);
    }

    // Another statement (a count per category), reported after the loops under test: the thread pool's global queue
    // runs work items in order, so once its report is in the log, any report of the earlier loops would be too.
    private static async Task<FakeLogRecord> SentinelAsync(WatchedDatabase db, Action<QueryWatchOptions>? configure = null)
    {
        await using (var context = db.NewContext(configure))
        {
            for (var category = 1; category <= 20; category++)
                await context.Items.CountAsync(i => i.Category == category, Ct);
        }
        return await db.WaitForAsync(QueryWatchEventId.Finding, r => IsRepeated(r) && r.GetStructuredStateValue("Sql")!.Contains("count(*)", StringComparison.Ordinal));
    }

    private static bool IsRepeated(FakeLogRecord r) => r.GetStructuredStateValue("RuleId") == "QW027";

    private static List<FakeLogRecord> PerRowEvents(WatchedDatabase db) =>
        db.Events(QueryWatchEventId.Finding).Where(r => IsRepeated(r) && !r.GetStructuredStateValue("Sql")!.Contains("count(*)", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Fifty_per_row_queries_in_a_web_request_log_one_repeated_statement_with_the_count_and_the_request()
    {
        await using var db = await Database(postgres, "qw_repeated_web");
        // As an application with OpenTelemetry tracing has it: ASP.NET Core's request activity is created and sampled.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(db.ConnectionString).UseLoggerFactory(db.LoggerFactory)
            .UseQueryWatch(w => w.SlowCommandThreshold = TimeSpan.FromHours(1)));
        await using var app = builder.Build();
        // ASP.NET Core 10 leaves its request activity named Microsoft.AspNetCore.Hosting.HttpRequestIn while the request
        // runs (OpenTelemetry renames it "GET {route}" only when it ends): an application that wants its route as the
        // operation names the activity once routing has chosen the endpoint, as README shows.
        app.UseRouting();
        app.Use((http, next) =>
        {
            if (http.GetEndpoint() is RouteEndpoint endpoint && Activity.Current is { } request)
                request.DisplayName = http.Request.Method + " " + endpoint.RoutePattern.RawText;
            return next(http);
        });
        string? requestTrace = null;
        app.MapGet("/categories/{category}/names", async (int category, ItemsContext context) =>
        {
            requestTrace = Activity.Current?.TraceId.ToHexString();
            await PerRowAsync(context, 50);
            return "ok";
        });
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal("ok", await http.GetStringAsync("/categories/7/names", Ct));

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, IsRepeated);
        TestContext.Current.TestOutputHelper?.WriteLine($"{finding.Level} {finding.Id.Id}: {finding.Message}");
        Assert.Equal("repeated-statement", finding.GetStructuredStateValue("RuleName"));
        Assert.Equal("Observed", finding.GetStructuredStateValue("Basis"));
        Assert.Equal("Repeated", finding.GetStructuredStateValue("Outcome"));
        Assert.Equal("20", finding.GetStructuredStateValue("Count"));
        Assert.Equal("GET /categories/{category}/names", finding.GetStructuredStateValue("Operation"));
        Assert.Equal(requestTrace, finding.GetStructuredStateValue("TraceId"));
        Assert.Equal("ItemsContext", finding.GetStructuredStateValue("DbContext"));
        Assert.Equal("LinqQuery", finding.GetStructuredStateValue("CommandSource"));
        Assert.True(long.Parse(finding.GetStructuredStateValue("DurationMs")!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.Matches("""WHERE i\.id = \$1""", finding.GetStructuredStateValue("Sql"));
        Assert.Contains("ANY(@ids)", finding.GetStructuredStateValue("Suggestion"), StringComparison.Ordinal);

        // The other 30 executions of the same instance, and anything queued with them, are in by now.
        await SentinelAsync(db);
        Assert.Single(PerRowEvents(db));
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task Nineteen_repetitions_log_nothing()
    {
        await using var db = await Database(postgres, "qw_repeated_19");
        await using (var context = db.NewContext())
        {
            await PerRowAsync(context, 19);
        }

        await SentinelAsync(db);
        Assert.Empty(PerRowEvents(db));
    }

    [Fact]
    public async Task Two_contexts_with_fifteen_each_log_nothing()
    {
        await using var db = await Database(postgres, "qw_repeated_two");
        await using (var first = db.NewContext())
        {
            await PerRowAsync(first, 15);
        }
        await using (var second = db.NewContext())
        {
            await PerRowAsync(second, 15);
        }

        await SentinelAsync(db);
        Assert.Empty(PerRowEvents(db));
    }

    [Fact]
    public async Task Threshold_zero_turns_the_count_off()
    {
        await using var db = await Database(postgres, "qw_repeated_off", threshold: 0);
        await using (var context = db.NewContext())
        {
            await PerRowAsync(context, 50);
        }

        await SentinelAsync(db, o => o.RepeatedStatementThreshold = 20);
        Assert.Empty(PerRowEvents(db));
    }

    [Fact]
    public async Task Pooled_context_rented_again_counts_afresh()
    {
        await using var db = await Database(postgres, "qw_repeated_pool");
        var services = new ServiceCollection();
        services.AddDbContextPool<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(db.ConnectionString).UseLoggerFactory(db.LoggerFactory)
            .UseQueryWatch(w => w.SlowCommandThreshold = TimeSpan.FromHours(1)), poolSize: 1);
        await using var provider = services.BuildServiceProvider();
        using var app = new ActivitySource("QueryWatch.IntegrationTests.Pool");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == app.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var leases = new List<DbContextId>();
        foreach (var (operation, rows) in new[] { ("lease 1", 15), ("lease 2", 15), ("lease 3", 20) })
        {
            await using var scope = provider.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
            leases.Add(context.ContextId);
            using var request = app.StartActivity(operation);
            await PerRowAsync(context, rows);
        }

        // One instance, three leases: counted as 15, 15 and 20, never as the 35 the second lease would make.
        Assert.Single(leases.Select(l => l.InstanceId).Distinct());
        Assert.Equal(3, leases.Select(l => l.Lease).Distinct().Count());
        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, IsRepeated);
        Assert.Equal("lease 3", finding.GetStructuredStateValue("Operation"));
        await SentinelAsync(db);
        Assert.Single(PerRowEvents(db));
    }
}
