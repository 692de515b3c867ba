using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Seed002;

/// <summary>Seed 002's schema: jobs ordered by (priority, run_at, id), and their queues.</summary>
internal sealed class WorkerContext(DbContextOptions<WorkerContext> options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobQueue> Queues => Set<JobQueue>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Job>(e =>
        {
            e.ToTable("jobs").HasStorageParameter("autovacuum_enabled", false);
            e.Property(j => j.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(j => j.QueueName).HasColumnName("queue_name");
            e.Property(j => j.Priority).HasColumnName("priority");
            e.Property(j => j.RunAt).HasColumnName("run_at");
            e.Property(j => j.Attempts).HasColumnName("attempts");
            e.HasIndex(j => new { j.Priority, j.RunAt, j.Id }).HasDatabaseName("jobs_priority_run_at_id");
        });
        modelBuilder.Entity<JobQueue>(e =>
        {
            e.ToTable("queues").HasStorageParameter("autovacuum_enabled", false);
            e.HasKey(q => q.QueueName);
            e.Property(q => q.QueueName).HasColumnName("queue_name");
            e.Property(q => q.LockedAt).HasColumnName("locked_at");
        });
    }
}
