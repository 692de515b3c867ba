using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace QueryWatch.IntegrationTests.Samples;

/// <summary>The web sample as a user starts it: it answers /slow, and QueryWatch logs the finding for that query.</summary>
public sealed class WebApiSampleTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Web_sample_answers_slow_and_QueryWatch_logs_the_finding_for_its_query()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("qw_webapi_sample", ct);
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var sample = SampleProcess.Start("WebApiSample",
            "--urls", url,
            "--ConnectionStrings:Default=" + connectionString,
            // 1 ms: the lookup is caught however fast this machine reads 200,000 rows.
            "--QueryWatch:SlowCommandThreshold=00:00:00.001",
            "--Logging:Console:FormatterName=json");
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await WaitUntilHealthyAsync(http, sample, ct);

        var response = await http.GetAsync("/slow?email=user4242@example.com", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("User4242@Example.com", await response.Content.ReadAsStringAsync(ct));
        var line = await sample.WaitForLineAsync(l => FindingRule(l) == "QW018", TimeSpan.FromSeconds(30), ct);
        using var finding = JsonDocument.Parse(line);
        var state = finding.RootElement.GetProperty("State");
        Assert.Equal("QueryWatch", finding.RootElement.GetProperty("Category").GetString());
        Assert.Equal("Slow", state.GetProperty("Outcome").GetString());
        Assert.Contains("lower(", state.GetProperty("Sql").GetString());
        Assert.Contains("CREATE INDEX", state.GetProperty("Suggestion").GetString());
    }

    [Fact]
    public async Task Web_sample_prints_QueryWatchs_span_with_the_database_conventions_linked_to_the_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("qw_webapi_otel", ct);
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var sample = SampleProcess.Start("WebApiSample",
            "--urls", url,
            "--ConnectionStrings:Default=" + connectionString,
            "--QueryWatch:SlowCommandThreshold=00:00:00.001",
            "--OpenTelemetry:ConsoleExporter=true");
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await WaitUntilHealthyAsync(http, sample, ct);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/slow?email=user4242@example.com", ct)).StatusCode);

        // The console exporter prints a span as a block of "Activity.*" lines; QueryWatch's ends its block with its
        // resource, printed after the request's own span (the request ended before the worker explained).
        await sample.WaitForLineAsync(l => l.StartsWith("Activity.DisplayName:", StringComparison.Ordinal) && l.EndsWith("QueryWatch explain", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), ct);
        var spans = await SpanBlocksAsync(sample, ct);
        var explain = spans.Single(b => b.Any(l => l.EndsWith("QueryWatch explain", StringComparison.Ordinal)));
        Assert.Contains("    db.system.name: postgresql", explain);
        Assert.Contains("    db.namespace: " + new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database, explain);
        Assert.Contains("    db.query.summary: SELECT users", explain);
        Assert.Contains("        querywatch.rule_id: QW018", explain);
        Assert.Contains(explain, l => l.StartsWith("    db.query.text: SELECT", StringComparison.Ordinal) && l.Contains("lower(u.email) = $1", StringComparison.Ordinal));
        var link = explain[explain.IndexOf("Activity.Links:") + 1].Trim().Split(' ');
        var request = spans.Single(b => b.Any(l => l.EndsWith("Microsoft.AspNetCore.Hosting.HttpRequestIn", StringComparison.Ordinal)
            && l.StartsWith("Activity.DisplayName:", StringComparison.Ordinal)) && b.Contains("Activity.SpanId:             " + link[1]));
        Assert.Contains("Activity.TraceId:            " + link[0], request);
    }

    /// <summary>The console exporter's span blocks printed so far, once QueryWatch's block is complete.</summary>
    private static async Task<List<List<string>>> SpanBlocksAsync(SampleProcess sample, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var blocks = new List<List<string>>();
            foreach (var line in sample.Lines)
            {
                if (line.StartsWith("Activity.TraceId:", StringComparison.Ordinal)) blocks.Add([]);
                if (blocks.Count > 0) blocks[^1].Add(line);
            }
            if (blocks.Any(b => b.Any(l => l.EndsWith("QueryWatch explain", StringComparison.Ordinal)) && b.Any(l => l.StartsWith("Resource associated", StringComparison.Ordinal))))
                return blocks;
            Assert.True(DateTime.UtcNow < deadline, "QueryWatch's span block did not complete within 30 s. Output:\n" + sample.Output);
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The RuleId of a QueryWatch finding event (3001) printed by the JSON console formatter; null otherwise.</summary>
    private static string? FindingRule(string line)
    {
        if (!line.StartsWith('{')) return null;
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return root.GetProperty("EventId").GetInt32() == 3001 && root.TryGetProperty("State", out var state) && state.TryGetProperty("RuleId", out var rule)
            ? rule.GetString()
            : null;
    }

    private static async Task WaitUntilHealthyAsync(HttpClient http, SampleProcess sample, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/healthz", ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, $"/healthz did not answer within 60 s. Output:\n{sample.Output}");
            await Task.Delay(100, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
