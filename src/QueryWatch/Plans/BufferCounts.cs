namespace QueryWatch.Plans;

/// <summary>
/// The block counters EXPLAIN (BUFFERS) prints for a node, a worker or the planning phase.
/// Counts are blocks (8 kB by default), summed over all loops, as PostgreSQL reports them.
/// </summary>
internal sealed record BufferCounts
{
    public long SharedHit { get; set; }
    public long SharedRead { get; set; }
    public long SharedDirtied { get; set; }
    public long SharedWritten { get; set; }
    public long LocalHit { get; set; }
    public long LocalRead { get; set; }
    public long LocalDirtied { get; set; }
    public long LocalWritten { get; set; }
    public long TempRead { get; set; }
    public long TempWritten { get; set; }

    /// <summary>I/O read time in ms (<c>I/O Read Time</c>, or PostgreSQL 17's <c>Shared I/O Read Time</c>).</summary>
    public double? IoReadTimeMs { get; set; }
    public double? IoWriteTimeMs { get; set; }
    public double? LocalIoReadTimeMs { get; set; }
    public double? LocalIoWriteTimeMs { get; set; }
    public double? TempIoReadTimeMs { get; set; }
    public double? TempIoWriteTimeMs { get; set; }

    /// <summary>Applies one numeric JSON property (e.g. <c>Shared Hit Blocks</c>); false when the name is not a buffer or I/O timing.</summary>
    public bool TrySet(string jsonName, double value)
    {
        switch (jsonName)
        {
            case "Shared Hit Blocks": SharedHit = (long)value; return true;
            case "Shared Read Blocks": SharedRead = (long)value; return true;
            case "Shared Dirtied Blocks": SharedDirtied = (long)value; return true;
            case "Shared Written Blocks": SharedWritten = (long)value; return true;
            case "Local Hit Blocks": LocalHit = (long)value; return true;
            case "Local Read Blocks": LocalRead = (long)value; return true;
            case "Local Dirtied Blocks": LocalDirtied = (long)value; return true;
            case "Local Written Blocks": LocalWritten = (long)value; return true;
            case "Temp Read Blocks": TempRead = (long)value; return true;
            case "Temp Written Blocks": TempWritten = (long)value; return true;
            // PostgreSQL 13-16 print "I/O Read Time"; 17 split it into shared/local/temp.
            case "I/O Read Time":
            case "Shared I/O Read Time": IoReadTimeMs = value; return true;
            case "I/O Write Time":
            case "Shared I/O Write Time": IoWriteTimeMs = value; return true;
            case "Local I/O Read Time": LocalIoReadTimeMs = value; return true;
            case "Local I/O Write Time": LocalIoWriteTimeMs = value; return true;
            case "Temp I/O Read Time": TempIoReadTimeMs = value; return true;
            case "Temp I/O Write Time": TempIoWriteTimeMs = value; return true;
            default: return false;
        }
    }

    /// <summary>True when <paramref name="jsonName"/> is a property this type holds.</summary>
    public static bool IsBufferProperty(string jsonName) => jsonName switch
    {
        "Shared Hit Blocks" or "Shared Read Blocks" or "Shared Dirtied Blocks" or "Shared Written Blocks"
            or "Local Hit Blocks" or "Local Read Blocks" or "Local Dirtied Blocks" or "Local Written Blocks"
            or "Temp Read Blocks" or "Temp Written Blocks"
            or "I/O Read Time" or "I/O Write Time" or "Shared I/O Read Time" or "Shared I/O Write Time"
            or "Local I/O Read Time" or "Local I/O Write Time" or "Temp I/O Read Time" or "Temp I/O Write Time" => true,
        _ => false,
    };
}
