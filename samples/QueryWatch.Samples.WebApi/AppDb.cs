using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.WebApi;

/// <summary>The sample API's database: users with a plain index on email.</summary>
internal sealed class AppDb(DbContextOptions<AppDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(u => u.Email).HasColumnName("email");
            e.Property(u => u.CreatedAt).HasColumnName("created_at");
            e.HasIndex(u => u.Email).HasDatabaseName("users_email");
        });
    }

    /// <summary>Creates the table and loads 200,000 users the first time: enough for a bad plan to cost something.</summary>
    public async Task SeedAsync(CancellationToken ct)
    {
        await Database.EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (await Users.AnyAsync(ct).ConfigureAwait(false)) return;
        await Database.ExecuteSqlRawAsync("""
            INSERT INTO users (id, email, created_at)
            SELECT i, 'User' || i || '@Example.com', now() - i * interval '1 min' FROM generate_series(1, 200000) i;
            ANALYZE users;
            """, ct).ConfigureAwait(false);
    }
}
