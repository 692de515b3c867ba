using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QueryWatch.Samples.Incidents.Logging;
using QueryWatch.Samples.Incidents.Running;
using QueryWatch.Samples.Incidents.Seed000;
using QueryWatch.Samples.Incidents.Seed001;
using QueryWatch.Samples.Incidents.Seed002;
using QueryWatch.Samples.Incidents.Seed003;
using QueryWatch.Samples.Incidents.Seed004;
using QueryWatch.Testing;

var arguments = SampleArguments.Parse(args, out var error);
if (arguments is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(SampleArguments.Usage);
    return 0;
}

var output = Console.Out;
output.WriteLine("QueryWatch watches this program's EF Core commands: a slow or cancelled one is EXPLAINed out of band on its own");
output.WriteLine("connection and its plan checked by rules QW001-QW025. Five production incidents follow, each replayed on real data.");
var started = Stopwatch.GetTimestamp();
// Low enough that every bad query is captured even at --scale 0.05; a real application keeps the default (500 ms).
var slowCommandThreshold = TimeSpan.FromMilliseconds(5);

var recorder = new FindingRecorder();
var builder = Host.CreateApplicationBuilder();
SampleLogging.Configure(builder.Logging, recorder);
builder.Services.AddQueryWatch(o =>
{
    o.SlowCommandThreshold = slowCommandThreshold;
    // A slow read-only SELECT is explained with ANALYZE (in a READ ONLY transaction, rolled back): some rules need actual rows.
    o.ExplainAnalyze = true;
    o.ExplainStatementTimeout = TimeSpan.FromSeconds(30);
    // The sample runs some statements twice on purpose; an application keeps the 10-minute cooldown.
    o.ExplainCooldown = TimeSpan.Zero;
});

using var host = builder.Build();
var ct = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
await host.StartAsync(ct);

var options = new TestPostgresOptions();
if (arguments.Connection is not null) options.ExternalConnectionString = arguments.Connection;
// PostgreSQL's query identifier, which QueryWatch logs as QueryId (an external server keeps its own setting).
options.ServerSettings["compute_query_id"] = "on";
output.WriteLine(options.ExternalConnectionString is null
    ? "Starting a throwaway PostgreSQL cluster from the local binaries (QueryWatch.Testing); it is removed at the end."
    : "Using the PostgreSQL server given by --connection / QUERYWATCH_CONNECTION (databases querywatch_incident_* are recreated).");
TestPostgres server;
try
{
    server = await TestPostgres.StartAsync(options, ct);
}
catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
{
    Console.Error.WriteLine("No PostgreSQL to run the incidents on: " + e.Message);
    return 1;
}

IReadOnlyList<IncidentOutcome> outcomes;
bool? rewriteShown = null;
await using (server)
{
    output.WriteLine($"PostgreSQL {server.ServerVersion} on port {server.Port}; data scale {arguments.Scale}; QueryWatch SlowCommandThreshold {IncidentSession.Ms(slowCommandThreshold)}");
    var commands = new CommandTextRecorder();
    Incident[] all = [new DistinctExistenceCheck(), new LatestDequeuePerUser(), new OrExistsPerRow(), new InnerLoopDiscard(), new NotInSubquery()];
    var chosen = arguments.Incident is { } n ? [all[n]] : all;
    var runner = new IncidentRunner(server, host.Services, host.Services.GetRequiredService<ILoggerFactory>(), recorder, commands,
        slowCommandThreshold, arguments.Scale, output);
    outcomes = await runner.RunAsync(chosen, ct);
    if (outcomes.FirstOrDefault(o => o.Incident.Number == 0) is { } seed000)
        rewriteShown = await StagingRewriteStep.RunAsync(seed000.ConnectionString, recorder, slowCommandThreshold, output, ct);
    await host.StopAsync(CancellationToken.None);
}

output.WriteLine();
output.WriteLine("━━ Summary");
foreach (var outcome in outcomes)
{
    output.WriteLine(outcome.MissingRules.Count == 0
        ? $"  ✔ {outcome.Incident.Seed} caught by {string.Join(", ", outcome.Incident.ExpectedRules)} (logged: {string.Join(", ", outcome.LoggedRules)})"
        : $"  ✘ {outcome.Incident.Seed} NOT caught: missing {string.Join(", ", outcome.MissingRules)} (logged: {(outcome.LoggedRules.Count == 0 ? "nothing" : string.Join(", ", outcome.LoggedRules))})");
    output.WriteLine(outcome.MissingWhenCancelled.Count == 0
        ? $"  ✔ {outcome.Incident.Seed} cancelled, caught by {string.Join(", ", outcome.Incident.ExpectedRules)}"
        : $"  ✘ {outcome.Incident.Seed} cancelled, NOT caught: missing {string.Join(", ", outcome.MissingWhenCancelled)}");
}

if (rewriteShown is { } shown)
    output.WriteLine(shown ? "  ✔ RW001 verified and applied to seed 000 in staging" : "  ✘ RW001 was not applied to seed 000 in staging");
var caught = outcomes.Count(o => o.Caught);
output.WriteLine($"  {caught} of {outcomes.Count} incident(s) caught by the rule the seeds README names, in {IncidentSession.Seconds(Stopwatch.GetElapsedTime(started))}");
if (caught == outcomes.Count && rewriteShown != false) return 0;
Console.Error.WriteLine(caught < outcomes.Count
    ? $"QueryWatch missed {outcomes.Count - caught} incident(s): see the ✘ lines above."
    : "QueryWatch did not apply seed 000's rewrite in staging: see the step above.");
return 1;
