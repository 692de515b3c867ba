using Microsoft.EntityFrameworkCore;

namespace QueryWatch.IntegrationTests.Interception;

public sealed class ItemsContext(DbContextOptions<ItemsContext> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Item>(e =>
        {
            e.ToTable("items");
            e.Property(i => i.Id).HasColumnName("id");
            e.Property(i => i.Category).HasColumnName("category");
            e.Property(i => i.Name).HasColumnName("name");
            e.Property(i => i.Note).HasColumnName("note");
        });
    }
}
