using System.Runtime.CompilerServices;

namespace QueryWatch.Explain;

/// <summary>
/// How often each statement ran in each owner (a DbContext instance), for QW027 repeated-statement
/// (issue #13 part 5). EF caches the command text of a LINQ query shape, so the same statement arrives
/// as the same string instance: a statement is found by reference, never by hashing or comparing its
/// text. Each owner has its own small table (<see cref="StatementCounts"/>), found through a
/// <see cref="ConditionalWeakTable{TKey,TValue}"/> whose lookup takes no lock and allocates nothing; the
/// table is created on the owner's first command and goes with the owner. Each thread also remembers the table
/// it used last, by the owner's id (EF's <c>DbContextId.InstanceId</c>, never a reference that would keep a
/// disposed context alive): the commands of one request mostly follow each other on one thread, and then the
/// lookup is one comparison of ids. A DbContext is used by one
/// thread at a time, so its table is not locked either: an application that breaks that rule can get a
/// wrong count, never an exception.
/// </summary>
internal sealed class RepeatedStatements
{
    private static readonly ConditionalWeakTable<object, StatementCounts>.CreateValueCallback s_create = static _ => new StatementCounts();

    // The table this thread counted in last; its owner's id says whether it is the one wanted now.
    [ThreadStatic]
    private static StatementCounts? t_last;

    private readonly ConditionalWeakTable<object, StatementCounts> _owners = new();

    /// <param name="threshold">Executions of one statement in one owner that make it reported; at least 1.</param>
    public RepeatedStatements(int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        Threshold = threshold;
    }

    /// <summary>The count at which a statement is reported: the count every report carries.</summary>
    public int Threshold { get; }

    /// <summary>
    /// Counts one execution of <paramref name="text"/> in <paramref name="owner"/>, whose id is
    /// <paramref name="ownerId"/> (unique per owner, the same for each of its leases). True exactly once per owner,
    /// lease and statement: for the execution that brings the count to <see cref="Threshold"/>; then
    /// <paramref name="total"/> is the time those executions took together. A new <paramref name="lease"/>
    /// (a pooled DbContext rented again: EF's <c>DbContextId.Lease</c>) starts every count of the owner afresh.
    /// </summary>
    public bool Count(object owner, Guid ownerId, int lease, string text, TimeSpan duration, out TimeSpan total)
    {
        var counts = t_last;
        if (counts is null || counts.OwnerId != ownerId || counts.Table != this) counts = Find(owner, ownerId);
        return counts.Count(lease, text, duration.Ticks, Threshold, out total);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private StatementCounts Find(object owner, Guid ownerId)
    {
        if (!_owners.TryGetValue(owner, out var counts)) counts = _owners.GetValue(owner, s_create);
        counts.OwnerId = ownerId;
        counts.Table = this;
        return t_last = counts;
    }
}
