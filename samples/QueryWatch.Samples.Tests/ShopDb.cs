using Microsoft.EntityFrameworkCore;

namespace QueryWatch.Samples.Tests;

public sealed class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Order> Orders { get; } = [];
}

public sealed class Order
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public bool Open { get; set; }
    public decimal Total { get; set; }
}

/// <summary>The application's own context, as it is: no QueryWatch setup in it.</summary>
public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>().ToTable("customers");
        modelBuilder.Entity<Order>(e =>
        {
            e.ToTable("orders");
            e.HasIndex(o => o.CustomerId).HasDatabaseName("ix_orders_customer_id");
        });
        modelBuilder.Entity<Customer>().HasMany(c => c.Orders).WithOne().HasForeignKey(o => o.CustomerId);
    }
}

/// <summary>The application code under test.</summary>
public sealed class OrderService(ShopDb db)
{
    public Task<bool> HasOpenOrdersAsync(int customerId, CancellationToken ct) =>
        db.Orders.AnyAsync(o => o.CustomerId == customerId && o.Open, ct);

    public Task<List<Customer>> CustomersWithOrdersAsync(CancellationToken ct) =>
        db.Customers.Include(c => c.Orders).Where(c => c.Id <= 20).ToListAsync(ct);
}
