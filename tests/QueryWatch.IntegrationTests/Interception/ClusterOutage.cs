using System.Globalization;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>Stops a private <see cref="TestPostgres"/> cluster and starts it again on the same port: a real outage.</summary>
internal static class ClusterOutage
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public static async Task StopAsync(TestPostgres server, CancellationToken ct)
    {
        var bin = await PostgresBinaries.LocateAsync(null, ct);
        var result = await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-D", server.DataDirectory, "-m", "fast", "-w", "-s"],
            asPostgresUser: true, s_timeout, ct);
        Assert.True(result.ExitCode == 0, "pg_ctl stop: " + result.Output);
    }

    public static async Task StartAsync(TestPostgres server, CancellationToken ct)
    {
        var bin = await PostgresBinaries.LocateAsync(null, ct);
        var log = Path.Combine(Path.GetDirectoryName(server.DataDirectory)!, "postgres.log");
        var result = await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"),
            ["start", "-D", server.DataDirectory, "-w", "-s", "-l", log, "-o", "-p " + server.Port.ToString(CultureInfo.InvariantCulture)],
            asPostgresUser: true, s_timeout, ct);
        Assert.True(result.ExitCode == 0, "pg_ctl start: " + result.Output);
    }
}
