using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Samples.Incidents.Logging;
using QueryWatch.Testing;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// Runs incidents one after the other, each in a database of its own (so that its planner settings reach
/// QueryWatch's EXPLAIN connection too), and checks that QueryWatch caught each with the seed's rule.
/// </summary>
internal sealed class IncidentRunner(
    TestPostgres server, IServiceProvider services, ILoggerFactory loggerFactory, FindingRecorder recorder,
    CommandTextRecorder commands, TimeSpan slowCommandThreshold, double scale, TextWriter output)
{
    /// <summary>Runs <paramref name="incidents"/>; returns, per incident, the expected rules QueryWatch did not log.</summary>
    public async Task<IReadOnlyList<IncidentOutcome>> RunAsync(IReadOnlyList<Incident> incidents, CancellationToken ct)
    {
        var outcomes = new List<IncidentOutcome>();
        foreach (var incident in incidents)
        {
            var started = Stopwatch.GetTimestamp();
            var session = new IncidentSession(recorder, commands, slowCommandThreshold, scale, output);
            output.WriteLine();
            output.WriteLine($"━━ Incident {incident.Seed}  {incident.Title}");
            output.WriteLine($"   the seeds README says it must raise: {string.Join(", ", incident.ExpectedRules)}");
            var connectionString = await PrepareDatabaseAsync(incident, ct).ConfigureAwait(false);
            if (incident.SteeringNote is { } note) session.Say(note);

            await using (var plain = incident.CreateContext(o => Configure(o, connectionString, watched: false)))
            {
                await session.LoadAsync("the schema (EnsureCreated)", () => plain.Database.EnsureCreatedAsync(ct)).ConfigureAwait(false);
                await incident.LoadAsync(plain, session, ct).ConfigureAwait(false);
            }

            await using (var watched = incident.CreateContext(o => Configure(o, connectionString, watched: true)))
                await incident.PlayAsync(watched, session, ct).ConfigureAwait(false);

            output.WriteLine();
            session.Say("what fixed it: " + incident.Fix);
            var logged = session.Findings.Select(f => f["RuleId"]).Distinct().Order(StringComparer.Ordinal).ToList();
            var missing = incident.ExpectedRules.Except(logged).ToList();
            session.Say(missing.Count == 0
                ? $"✔ caught by {string.Join(", ", incident.ExpectedRules)} (QueryWatch logged {string.Join(", ", logged)}) in {IncidentSession.Seconds(Stopwatch.GetElapsedTime(started))}"
                : $"✘ NOT caught: expected {string.Join(", ", missing)}, QueryWatch logged {(logged.Count == 0 ? "nothing" : string.Join(", ", logged))}");
            var missingWhenCancelled = incident.ExpectedRules.Except(session.CancelledRules).ToList();
            session.Say(missingWhenCancelled.Count == 0
                ? $"✔ cancelled by statement_timeout, caught by {string.Join(", ", incident.ExpectedRules)} from its estimated plan and duration"
                : $"✘ cancelled by statement_timeout, NOT caught: expected {string.Join(", ", missingWhenCancelled)}, QueryWatch logged {(session.CancelledRules.Count == 0 ? "nothing" : string.Join(", ", session.CancelledRules))}");
            outcomes.Add(new IncidentOutcome(incident, connectionString, logged, missing, missingWhenCancelled));
        }

        return outcomes;
    }

    private async Task<string> PrepareDatabaseAsync(Incident incident, CancellationToken ct)
    {
        var name = "querywatch_incident_" + incident.Seed;
        var connectionString = await server.CreateDatabaseAsync(name, ct).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        foreach (var (setting, value) in incident.DatabaseSettings)
        {
            // Names and values are the sample's own constants, never input.
            await using var command = new NpgsqlCommand($"ALTER DATABASE {name} SET {setting} = '{value}'", connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        // A newcomer should see index advice verified, not "not verified": where the server has hypopg, the
        // sample creates it in its own throwaway database (QueryWatch never installs it into a user's).
        await using (var create = new NpgsqlCommand(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') THEN CREATE EXTENSION IF NOT EXISTS hypopg; END IF; END $$",
            connection))
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);

        return new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "QueryWatch incidents sample" }.ConnectionString;
    }

    private void Configure(DbContextOptionsBuilder options, string connectionString, bool watched)
    {
        options.UseNpgsql(connectionString)
            .UseLoggerFactory(loggerFactory)
            .ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning));
        if (!watched) return;
        // The application's services carry the options AddQueryWatch registered, and the host stops the
        // explain workers when it stops: what a DbContext resolved from DI gets without this line.
        options.UseApplicationServiceProvider(services)
            .AddInterceptors(commands)
            .UseQueryWatch();
    }
}
