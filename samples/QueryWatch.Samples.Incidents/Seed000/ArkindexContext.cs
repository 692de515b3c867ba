using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Seed000;

/// <summary>Seed 000's schema: one activity table with an index on element_id and one on process_id.</summary>
internal sealed class ArkindexContext(DbContextOptions<ArkindexContext> options) : DbContext(options)
{
    public DbSet<Activity> Activities => Set<Activity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Activity>(e =>
        {
            // Autovacuum off: the statistics and visibility map stay as the loader leaves them.
            e.ToTable("activity").HasStorageParameter("autovacuum_enabled", false);
            e.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(a => a.ProcessId).HasColumnName("process_id");
            e.Property(a => a.ElementId).HasColumnName("element_id");
            e.Property(a => a.State).HasColumnName("state");
            e.HasIndex(a => a.ElementId).HasDatabaseName("activity_element_id");
            e.HasIndex(a => a.ProcessId).HasDatabaseName("activity_process_id");
        });
    }
}
