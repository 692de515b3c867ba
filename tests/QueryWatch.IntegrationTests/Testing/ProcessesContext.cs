using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace QueryWatch.IntegrationTests.Testing;

public sealed class Process
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<ProcessTask> Tasks { get; } = [];
}

public sealed class ProcessTask
{
    public int Id { get; set; }
    public int ProcessId { get; set; }
    public int Run { get; set; }
    public int State { get; set; }
}

public sealed class WorkerActivity
{
    public int Id { get; set; }
    public int ProcessId { get; set; }
    public int ElementId { get; set; }
    public string State { get; set; } = "";
}

/// <summary>
/// Seeds 004 and 000 at test size: a few hundred processes, their tasks, and worker activities.
/// Plain EF model with snake_case tables, no QueryWatch interceptor: the test-suite API needs none.
/// </summary>
public sealed class ProcessesContext(DbContextOptions<ProcessesContext> options) : DbContext(options)
{
    public DbSet<Process> Processes => Set<Process>();
    public DbSet<ProcessTask> Tasks => Set<ProcessTask>();
    public DbSet<WorkerActivity> WorkerActivities => Set<WorkerActivity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Process>(e =>
        {
            e.ToTable("processes");
            e.Property(p => p.Id).HasColumnName("id");
            e.Property(p => p.Name).HasColumnName("name");
            e.HasMany(p => p.Tasks).WithOne().HasForeignKey(t => t.ProcessId);
        });
        modelBuilder.Entity<ProcessTask>(e =>
        {
            e.ToTable("tasks");
            e.Property(t => t.Id).HasColumnName("id");
            e.Property(t => t.ProcessId).HasColumnName("process_id");
            e.Property(t => t.Run).HasColumnName("run");
            e.Property(t => t.State).HasColumnName("state");
            e.HasIndex(t => t.ProcessId).HasDatabaseName("ix_tasks_process_id");
        });
        modelBuilder.Entity<WorkerActivity>(e =>
        {
            e.ToTable("worker_activities");
            e.Property(a => a.Id).HasColumnName("id");
            e.Property(a => a.ProcessId).HasColumnName("process_id");
            e.Property(a => a.ElementId).HasColumnName("element_id");
            e.Property(a => a.State).HasColumnName("state");
            e.HasIndex(a => a.ProcessId).HasDatabaseName("ix_worker_activities_process_id");
            e.HasIndex(a => a.ElementId).HasDatabaseName("ix_worker_activities_element_id");
        });
    }

    /// <summary>A new database with the schema and a few hundred rows per table, analyzed.</summary>
    public static async Task<string> CreateDatabaseAsync(PostgresFixture postgres, string name, CancellationToken ct)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name, ct);
        await using (var db = Open(connectionString))
        {
            await db.Database.EnsureCreatedAsync(ct);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO processes (id, name) OVERRIDING SYSTEM VALUE SELECT g, 'process ' || g FROM generate_series(1, 300) g;
                INSERT INTO tasks (id, process_id, run, state) OVERRIDING SYSTEM VALUE
                  SELECT g, 1 + g % 300, g % 3, g % 5 FROM generate_series(1, 900) g;
                INSERT INTO worker_activities (id, process_id, element_id, state) OVERRIDING SYSTEM VALUE
                  SELECT g, 1 + g % 300, g % 400, CASE WHEN g % 7 = 0 THEN 'error' ELSE 'done' END FROM generate_series(1, 900) g;
                ANALYZE processes; ANALYZE tasks; ANALYZE worker_activities;
                """, ct);
        }

        return connectionString;
    }

    public static ProcessesContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<ProcessesContext>().UseNpgsql(connectionString).Options);
}
