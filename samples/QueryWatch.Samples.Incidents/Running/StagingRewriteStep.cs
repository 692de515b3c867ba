using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueryWatch.Rewrites;
using QueryWatch.Samples.Incidents.Logging;
using QueryWatch.Samples.Incidents.Seed000;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// Seed 000's rewrite (RW001: drop the DISTINCT of an existence check) applied by QueryWatch in a simulated
/// staging environment: a second application host whose environment is Staging, with rewrites in Apply mode.
/// The first execution runs as written and is captured; the worker verifies the rewrite out of band (both
/// statements EXPLAIN, the rewrite costs no more); the next execution is sent rewritten.
/// </summary>
internal static class StagingRewriteStep
{
    private const string IncidentSql = "SELECT DISTINCT ON (element_id) 1 AS \"Value\" FROM activity WHERE process_id = {0} AND state = {1} LIMIT 1";

    /// <summary>Runs the step on seed 000's database; true when the rewrite was verified and applied.</summary>
    public static async Task<bool> RunAsync(string connectionString, FindingRecorder recorder, TimeSpan slowCommandThreshold, TextWriter output, CancellationToken ct)
    {
        output.WriteLine();
        output.WriteLine("━━ Seed 000's rewrite (RW001) applied in a simulated staging environment");
        output.WriteLine("  a second application host: EnvironmentName = Staging, QueryWatch Rewrites.Mode = Apply, Rewrites.Environments = [\"Staging\"]");

        var commands = new CommandTextRecorder();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Staging", DisableDefaults = true });
        SampleLogging.Configure(builder.Logging, recorder);
        builder.Services.AddQueryWatch(o =>
        {
            o.SlowCommandThreshold = slowCommandThreshold;
            o.ExplainCooldown = TimeSpan.Zero;
            o.Rewrites.Mode = RewriteMode.Apply;
            o.Rewrites.Environments = ["Staging"];
        });
        builder.Services.AddDbContext<ArkindexContext>(o => o.UseNpgsql(connectionString).AddInterceptors(commands).UseQueryWatch());
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);

        var mark = recorder.Mark();
        var before = await RunAsync(host, commands, ct).ConfigureAwait(false);
        output.WriteLine($"  ▸ before: the incident's query as the application sends it: {IncidentSession.Ms(before)}");
        var verdict = await recorder.WaitForAsync(mark, e => e.EventId is RecordedEvent.RewriteVerified or RecordedEvent.RewriteRejected,
            TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (verdict?.EventId != RecordedEvent.RewriteVerified)
        {
            output.WriteLine(verdict is null
                ? "      QueryWatch did not verify a rewrite within 30 s"
                : $"      QueryWatch rejected the rewrite: {verdict["Reason"]}");
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }

        output.WriteLine($"      QueryWatch verified {verdict["RewriteIds"]} out of band: total cost {verdict["OriginalCost"]} -> {verdict["RewrittenCost"]}");

        var after = await RunAsync(host, commands, ct).ConfigureAwait(false);
        var applied = recorder.Since(mark).Any(e => e.EventId == RecordedEvent.RewriteApplied);
        output.WriteLine($"  ▸ after: the same call, unchanged in the application: {IncidentSession.Ms(after)}");
        output.WriteLine($"      the server received: {IncidentSession.OneLine(commands.LastCommandText)}");
        output.WriteLine(applied
            ? $"  RW001 in staging: {IncidentSession.Ms(before)} -> {IncidentSession.Ms(after)}"
            : "  QueryWatch did not apply the verified rewrite");
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return applied;
    }

    private static async Task<TimeSpan> RunAsync(IHost host, CommandTextRecorder commands, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ArkindexContext>();
        await context.Database.SqlQueryRaw<int>(IncidentSql, 7, "error").ToListAsync(ct).ConfigureAwait(false);
        return commands.LastDuration;
    }
}
