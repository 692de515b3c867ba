using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// One of the five seeds: its schema (an EF Core model), the data that makes PostgreSQL choose the bad plan,
/// the query as an EF user writes it, and the fix.
/// </summary>
internal abstract class Incident
{
    /// <summary>The seed's number, 0-4 (file shared/seeds/00N_*.txt).</summary>
    public abstract int Number { get; }

    /// <summary>System and one line on what happened, as the seeds README tells it.</summary>
    public abstract string Title { get; }

    /// <summary>What people found by hand, as the seeds README tells it.</summary>
    public abstract string Fix { get; }

    /// <summary>The rule(s) the seeds README says must catch it; the sample fails when one is missing.</summary>
    public abstract IReadOnlyList<string> ExpectedRules { get; }

    /// <summary>
    /// Settings for this incident's database (<c>ALTER DATABASE ... SET</c>), so that the application's
    /// connection and QueryWatch's own EXPLAIN connection plan alike. Every incident runs without parallel
    /// workers, as the fixtures were captured: on 2 cores, workers only add noise to the timings.
    /// </summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> DatabaseSettings => [new("max_parallel_workers_per_gather", "0")];

    /// <summary>Why a setting beyond the defaults is there, printed with the incident; null when there is none.</summary>
    public virtual string? SteeringNote => null;

    public string Seed => Number.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A context of this incident's model with the options <paramref name="configure"/> sets.</summary>
    public abstract DbContext CreateContext(Action<DbContextOptionsBuilder> configure);

    /// <summary>Fills the tables EnsureCreated made, and leaves statistics as the incident needs them.</summary>
    public abstract Task LoadAsync(DbContext context, IncidentSession session, CancellationToken ct);

    /// <summary>Runs the bad query (or queries) and the fixed one on a context QueryWatch watches.</summary>
    public abstract Task PlayAsync(DbContext context, IncidentSession session, CancellationToken ct);
}

/// <summary>An incident whose model is <typeparamref name="TContext"/>.</summary>
internal abstract class Incident<TContext> : Incident where TContext : DbContext
{
    public sealed override DbContext CreateContext(Action<DbContextOptionsBuilder> configure)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        configure(builder);
        return NewContext(builder.Options);
    }

    public sealed override Task LoadAsync(DbContext context, IncidentSession session, CancellationToken ct) => LoadAsync((TContext)context, session, ct);

    public sealed override Task PlayAsync(DbContext context, IncidentSession session, CancellationToken ct) => PlayAsync((TContext)context, session, ct);

    protected abstract TContext NewContext(DbContextOptions<TContext> options);

    protected abstract Task LoadAsync(TContext context, IncidentSession session, CancellationToken ct);

    protected abstract Task PlayAsync(TContext context, IncidentSession session, CancellationToken ct);
}
