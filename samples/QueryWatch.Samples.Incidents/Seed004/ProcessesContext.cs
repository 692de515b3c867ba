using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Seed004;

/// <summary>Seed 004's schema: processes and their tasks, indexed on (process_id, state).</summary>
internal sealed class ProcessesContext(DbContextOptions<ProcessesContext> options) : DbContext(options)
{
    public DbSet<Process> Processes => Set<Process>();

    public DbSet<ProcessTask> Tasks => Set<ProcessTask>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Process>(e =>
        {
            e.ToTable("processes").HasStorageParameter("autovacuum_enabled", false);
            e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(p => p.Name).HasColumnName("name");
        });
        modelBuilder.Entity<ProcessTask>(e =>
        {
            e.ToTable("tasks").HasStorageParameter("autovacuum_enabled", false);
            e.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(t => t.ProcessId).HasColumnName("process_id");
            e.Property(t => t.State).HasColumnName("state");
            e.HasIndex(t => new { t.ProcessId, t.State }).HasDatabaseName("tasks_process_id_state");
        });
    }
}
