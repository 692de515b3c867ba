using Microsoft.EntityFrameworkCore;
using QueryWatch.Testing;

namespace QueryWatch.Samples.Tests;

/// <summary>The test-suite API as an application's tests use it: one line per intent.</summary>
public sealed class OrderQueryTests(ShopDatabase shop)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Customers_without_orders_are_found_with_an_anti_join()
    {
        await using var db = shop.NewContext();

        var plan = await QueryPlan.AssertHealthyAsync(db.Customers.Where(c => !c.Orders.Any()), cancellationToken: Ct);

        plan.AssertNode("Anti Join");
    }

    [Fact]
    public async Task Customers_without_orders_written_as_NOT_IN_is_what_the_rules_catch()
    {
        await using var db = shop.NewContext();
        var query = db.Customers.Where(c => !db.Orders.Select(o => o.CustomerId).Contains(c.Id));

        var plan = await QueryPlan.ExplainAsync(query, cancellationToken: Ct);

        var failure = Assert.Throws<QueryPlanAssertionException>(() => plan.AssertHealthy());
        Assert.Contains("QW008", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customers_orders_are_read_through_their_index()
    {
        await using var db = shop.NewContext();
        var customerId = 17;

        var plan = await QueryPlan.ExplainAsync(db.Orders.Where(o => o.CustomerId == customerId), cancellationToken: Ct);

        plan.AssertHealthy().AssertUsesIndex("ix_orders_customer_id").AssertNoNode("Seq Scan", on: "orders");
    }

    [Fact]
    public async Task Checking_for_open_orders_sends_one_healthy_EXISTS()
    {
        await using var db = shop.NewContext();
        var service = new OrderService(db);

        var sent = await QueryPlan.ExplainAsync(db, () => service.HasOpenOrdersAsync(17, Ct), cancellationToken: Ct);

        Assert.Single(sent).AssertHealthy();
    }

    [Fact]
    public async Task Listing_customers_with_their_orders_sends_one_query()
    {
        await using var db = shop.NewContext();
        var service = new OrderService(db);

        using var recorder = QueryRecorder.Start();
        await service.CustomersWithOrdersAsync(Ct);

        recorder.AssertNoRepeatedStatements().AssertCount(max: 1);
    }
}
