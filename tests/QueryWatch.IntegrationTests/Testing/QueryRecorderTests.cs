using Microsoft.EntityFrameworkCore;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Testing;

/// <summary>QueryRecorder on real PostgreSQL and EF Core, through EF's diagnostics alone (issue #13 part 4).</summary>
public sealed class QueryRecorderTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string _connectionString = "";

    public async ValueTask InitializeAsync() => _connectionString = await ProcessesContext.CreateDatabaseAsync(postgres, "qw_recorder", Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Fifty_per_row_queries_fail_AssertNoRepeatedStatements_naming_the_statement_and_50()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var processes = await db.Processes.OrderBy(p => p.Id).Take(50).ToListAsync(Ct);

        using var recorder = QueryRecorder.Start();
        foreach (var process in processes)
            _ = await db.Tasks.Where(t => t.ProcessId == process.Id).ToListAsync(Ct);

        var failure = Assert.Throws<QueryPlanAssertionException>(() => recorder.AssertNoRepeatedStatements());
        Assert.Contains("ran 50 times", failure.Message, StringComparison.Ordinal);
        Assert.Contains(recorder.Commands[0].NormalizedSql, failure.Message, StringComparison.Ordinal);
        Assert.Contains("Include", failure.Message, StringComparison.Ordinal);
        Assert.Contains("= ANY(@ids)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(50, recorder.Commands.Count);
        Assert.Single(recorder.Commands.Select(c => c.Fingerprint).Distinct());
        Assert.All(recorder.Commands, c => Assert.Same(db, c.DbContext));
        Assert.Equal(processes[49].Id, recorder.Commands[49].Parameters.Single().Value);
    }

    [Fact]
    public async Task One_query_with_Include_passes_and_fits_the_budget()
    {
        await using var db = ProcessesContext.Open(_connectionString);

        using var recorder = QueryRecorder.Start();
        _ = await db.Processes.Include(p => p.Tasks).Where(p => p.Id <= 50).ToListAsync(Ct);
        _ = await db.Processes.CountAsync(Ct);

        recorder.AssertNoRepeatedStatements().AssertCount(max: 2);
        var failure = Assert.Throws<QueryPlanAssertionException>(() => recorder.AssertCount(max: 1));
        Assert.Contains("at most 1 commands, but 2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_of_another_async_flow_or_after_the_recording_are_not_recorded()
    {
        await using var db = ProcessesContext.Open(_connectionString);
        var recorder = QueryRecorder.Start();

        // Another async flow (a test running in parallel) is not this recording's.
        Task other;
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Run(async () =>
            {
                await using var parallel = ProcessesContext.Open(_connectionString);
                _ = await parallel.Processes.CountAsync(Ct);
            }, Ct);
        }
        await other;
        _ = await db.Processes.FirstAsync(Ct);
        recorder.Dispose();
        _ = await db.Processes.CountAsync(Ct);

        var recorded = Assert.Single(recorder.Commands);
        Assert.Equal("LinqQuery", recorded.CommandSource);
        Assert.Contains("LIMIT", recorded.Sql, StringComparison.Ordinal);
    }
}
