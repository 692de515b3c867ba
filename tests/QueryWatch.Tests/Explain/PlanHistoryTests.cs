using QueryWatch.Explain;
using QueryWatch.Plans;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>The in-process plan history (issue #15): last shape per statement, bounded.</summary>
public sealed class PlanHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Plan IndexPlan = PlanReader.Read("Index Scan using ix_orders_customer on orders  (cost=0.29..8.31 rows=1 width=8)");
    private static readonly Plan SeqPlan = PlanReader.Read("Seq Scan on orders  (cost=0.00..1000.00 rows=1 width=8)");

    [Fact]
    public async Task The_same_shape_again_adds_its_duration_and_keeps_when_it_was_first_seen()
    {
        var history = new InMemoryPlanHistory();
        await history.RecordAsync(1, IndexPlan, PlanShape.Hash(IndexPlan), TimeSpan.FromMilliseconds(3), T0, baseline: true, Ct);
        await history.RecordAsync(1, IndexPlan, PlanShape.Hash(IndexPlan), TimeSpan.FromMilliseconds(5), T0.AddMinutes(1), baseline: false, Ct);

        var last = await history.LastAsync(1, Ct);
        Assert.NotNull(last);
        Assert.Equal(T0, last.FirstSeen);
        Assert.Equal(T0.AddMinutes(1), last.LastSeen);
        Assert.Equal([TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(5)], last.Durations);
        Assert.Equal(T0, await history.LastBaselineAsync(1, Ct));
    }

    [Fact]
    public async Task A_new_shape_replaces_the_last_one()
    {
        var history = new InMemoryPlanHistory();
        await history.RecordAsync(1, IndexPlan, PlanShape.Hash(IndexPlan), TimeSpan.FromMilliseconds(3), T0, baseline: true, Ct);
        await history.RecordAsync(1, SeqPlan, PlanShape.Hash(SeqPlan), TimeSpan.FromSeconds(2), T0.AddHours(1), baseline: false, Ct);

        var last = await history.LastAsync(1, Ct);
        Assert.Equal(PlanShape.Hash(SeqPlan), last!.ShapeHash);
        Assert.Equal([TimeSpan.FromSeconds(2)], last.Durations);
        Assert.Equal(T0, await history.LastBaselineAsync(1, Ct));
    }

    [Fact]
    public async Task Durations_are_kept_for_the_last_few_runs_only()
    {
        var history = new InMemoryPlanHistory();
        for (var i = 1; i <= InMemoryPlanHistory.DurationsKept + 3; i++)
            await history.RecordAsync(1, IndexPlan, PlanShape.Hash(IndexPlan), TimeSpan.FromMilliseconds(i), T0.AddSeconds(i), baseline: false, Ct);

        var last = await history.LastAsync(1, Ct);
        Assert.Equal(InMemoryPlanHistory.DurationsKept, last!.Durations.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(InMemoryPlanHistory.DurationsKept + 3), last.Durations[^1]);
    }

    [Fact]
    public async Task A_full_history_forgets_the_statement_seen_least_recently()
    {
        var history = new InMemoryPlanHistory(maxStatements: 2);
        await history.RecordAsync(1, IndexPlan, 11, TimeSpan.FromMilliseconds(1), T0, baseline: false, Ct);
        await history.RecordAsync(2, IndexPlan, 11, TimeSpan.FromMilliseconds(1), T0.AddMinutes(2), baseline: false, Ct);
        await history.RecordAsync(1, IndexPlan, 11, TimeSpan.FromMilliseconds(1), T0.AddMinutes(3), baseline: false, Ct);
        await history.RecordAsync(3, IndexPlan, 11, TimeSpan.FromMilliseconds(1), T0.AddMinutes(4), baseline: false, Ct);

        Assert.Equal(2, history.Count);
        Assert.NotNull(await history.LastAsync(1, Ct));
        Assert.Null(await history.LastAsync(2, Ct));
        Assert.NotNull(await history.LastAsync(3, Ct));
    }
}
