using QueryWatch.Explain;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class InFlightCommandsTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private const long Long = 10_000; // 10 s in ms

    // A table whose sampler last woke at 0 ms: every command claimed now starts at 0.
    private static InFlightCommands NewTable()
    {
        var table = new InFlightCommands(Threshold);
        table.Advance(0);
        return table;
    }

    private static ActivitySample Lock() => new(TimeSpan.Zero, "active", "Lock", "transactionid", []);

    private static List<DueCommand> Due(InFlightCommands table, long now)
    {
        var due = new List<DueCommand>();
        table.CollectDue(now, Interval, due);
        return due;
    }

    [Fact]
    public void Claimed_command_is_due_once_surely_past_the_threshold_with_its_backend_pid()
    {
        var table = NewTable();
        var id = Guid.NewGuid();

        table.Advance(1_000);
        Assert.True(table.TryClaim(id, 4242));

        Assert.Empty(Due(table, 1_000));
        // The noted start may be up to one interval early: due only past threshold + interval.
        Assert.Empty(Due(table, 1_000 + 999));
        var due = Assert.Single(Due(table, 1_000 + Long));
        Assert.Equal(4242, due.ProcessId);
        Assert.InRange(due.Elapsed, TimeSpan.FromSeconds(9.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Ended_command_frees_its_slot_and_is_no_longer_due()
    {
        var table = NewTable();
        var id = Guid.NewGuid();
        table.TryClaim(id, 1);

        Assert.Null(table.End(id));

        Assert.Empty(Due(table, Long));
        Assert.Null(table.End(id));
    }

    [Fact]
    public void Samples_added_while_running_travel_with_the_command_when_it_ends()
    {
        var table = NewTable();
        var id = Guid.NewGuid();
        table.TryClaim(id, 7);
        var due = Assert.Single(Due(table, Long));

        table.Add(due, Lock());
        table.Add(due, Lock() with { WaitEventType = "IO" });

        var log = table.End(id);
        Assert.NotNull(log);
        Assert.Equal(["Lock", "IO"], log.Snapshot().Select(s => s.WaitEventType));
    }

    [Fact]
    public void Sample_for_a_command_that_ended_does_not_reach_the_next_command_in_its_slot()
    {
        var table = NewTable();
        var first = Guid.NewGuid();
        table.TryClaim(first, 7);
        var due = Assert.Single(Due(table, Long));
        table.End(first);
        // The same home slot: the next command with this id's first bytes lands there.
        var second = first;
        table.TryClaim(second, 8);

        table.Add(due, Lock());

        Assert.Null(table.End(second));
    }

    [Fact]
    public void Full_neighbourhood_leaves_the_command_unsampled_and_counted()
    {
        var table = NewTable();
        var bytes = new byte[16];
        // Same home slot (first four bytes), different ids.
        for (var i = 0; i < InFlightCommands.ProbeLength; i++)
        {
            bytes[15] = (byte)i;
            Assert.True(table.TryClaim(new Guid(bytes), i));
        }

        bytes[15] = 0xFF;
        Assert.False(table.TryClaim(new Guid(bytes), 99));
        Assert.Equal(1, table.TableFull);
        Assert.Equal(InFlightCommands.ProbeLength, Due(table, Long).Count);
    }

    [Fact]
    public void Concurrent_claims_and_ends_leave_every_slot_free_and_lose_no_command()
    {
        var table = NewTable();
        var claimed = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var id = Guid.NewGuid();
                if (!table.TryClaim(id, i)) continue;
                Interlocked.Increment(ref claimed);
                table.End(id);
            }
        });

        Assert.Equal(8 * 20_000, claimed);
        Assert.Equal(0, table.TableFull);
        Assert.Empty(Due(table, Long));
    }

    [Fact]
    public void Concurrent_commands_each_get_their_own_slot()
    {
        var table = NewTable();
        var ids = Enumerable.Range(0, 512).Select(_ => Guid.NewGuid()).ToArray();

        Parallel.For(0, ids.Length, i => Assert.True(table.TryClaim(ids[i], i)));

        var due = Due(table, Long);
        Assert.Equal(ids.Length, due.Count);
        Assert.Equal(Enumerable.Range(0, 512), due.Select(d => d.ProcessId).Order());
    }
}
