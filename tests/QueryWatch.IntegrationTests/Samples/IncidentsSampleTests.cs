namespace QueryWatch.IntegrationTests.Samples;

/// <summary>The README's first command, at CI scale: every incident caught by the rule the seeds README names.</summary>
public sealed class IncidentsSampleTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Incidents_sample_catches_each_seed_with_its_rule_applies_the_seed_000_rewrite_in_staging_and_exits_zero()
    {
        var ct = TestContext.Current.CancellationToken;
        // 0.2: statement_timeout is 16 ms, and each incident's query takes longer than that to cancel it.
        await using var sample = SampleProcess.Start("IncidentsSample", "--scale", "0.2", "--connection", postgres.ConnectionString);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(120), ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{sample.Output}");
        foreach (var (seed, rule) in new[] { ("000", "QW001"), ("001", "QW005"), ("002", "QW003"), ("003", "QW004"), ("004", "QW008") })
        {
            Assert.Contains(sample.Lines, l => l.Contains($"✔ {seed} caught by {rule}", StringComparison.Ordinal));
            // Issue #11: the same query cancelled by statement_timeout, as in production, caught at warning from its estimated plan and duration.
            Assert.Contains(sample.Lines, l => l.Contains($"✔ {seed} cancelled, caught by {rule}", StringComparison.Ordinal));
        }
        // The last step: seed 000's rewrite verified, then applied in a Staging host.
        Assert.Contains(sample.Lines, l => l.Contains("✔ RW001 verified and applied to seed 000 in staging", StringComparison.Ordinal));
        Assert.Contains(sample.Lines, l => l.Contains("QueryWatch[4004] RW001 applied", StringComparison.Ordinal));
        // The findings are QueryWatch's own log events (console logging), not only the sample's summary.
        foreach (var rule in new[] { "QW001", "QW005", "QW003", "QW004", "QW008" })
            Assert.Contains(sample.Lines, l => l.Contains("QueryWatch[3001] " + rule, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Incidents_sample_rejects_an_unknown_incident_with_exit_code_2()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sample = SampleProcess.Start("IncidentsSample", "--incident", "9");

        Assert.Equal(2, await sample.WaitForExitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains(sample.Lines, l => l.Contains("--incident 0-4", StringComparison.Ordinal));
    }
}
