using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Seed001;

/// <summary>Seed 001's schema: the job queue and the fix's per-user summary table.</summary>
internal sealed class ExecutorContext(DbContextOptions<ExecutorContext> options) : DbContext(options)
{
    public DbSet<ExecJob> Jobs => Set<ExecJob>();

    public DbSet<LastDequeue> LastDequeues => Set<LastDequeue>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ExecJob>(e =>
        {
            e.ToTable("exec_jobs").HasStorageParameter("autovacuum_enabled", false);
            e.Property(j => j.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(j => j.UserId).HasColumnName("user_id");
            e.Property(j => j.State).HasColumnName("state");
            e.Property(j => j.CreatedAt).HasColumnName("created_at");
            e.Property(j => j.LastDequeue).HasColumnName("last_dequeue");
            e.HasIndex(j => j.State).HasDatabaseName("exec_jobs_state");
            e.HasIndex(j => new { j.UserId, j.LastDequeue }).HasDatabaseName("exec_jobs_last_dequeue");
        });
        modelBuilder.Entity<LastDequeue>(e =>
        {
            e.ToTable("exec_last_dequeues");
            e.HasKey(d => d.UserId);
            e.Property(d => d.UserId).HasColumnName("user_id").ValueGeneratedNever();
            e.Property(d => d.LatestDequeue).HasColumnName("latest_dequeue");
        });
    }
}
