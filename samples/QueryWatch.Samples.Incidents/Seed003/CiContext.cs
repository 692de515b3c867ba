using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Incidents.Seed003;

/// <summary>Seed 003's schema: artifacts with an expiry index, and the pipelines they belong to.</summary>
internal sealed class CiContext(DbContextOptions<CiContext> options) : DbContext(options)
{
    public DbSet<Artifact> Artifacts => Set<Artifact>();

    public DbSet<Pipeline> Pipelines => Set<Pipeline>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Pipeline>(e =>
        {
            e.ToTable("pipelines").HasStorageParameter("autovacuum_enabled", false);
            e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(p => p.Locked).HasColumnName("locked");
        });
        modelBuilder.Entity<Artifact>(e =>
        {
            e.ToTable("artifacts").HasStorageParameter("autovacuum_enabled", false);
            e.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(a => a.PipelineId).HasColumnName("pipeline_id");
            e.Property(a => a.ExpireAt).HasColumnName("expire_at");
            e.HasIndex(a => a.ExpireAt).HasDatabaseName("artifacts_expire_at");
        });
    }
}
