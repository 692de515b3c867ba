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
