namespace QueryWatch.Plans;

/// <summary>
/// Input that is not a readable plan. <see cref="Exception.Message"/> is one line: the reason,
/// with the 1-based line (TEXT) or byte offset (JSON) where reading stopped.
/// </summary>
internal sealed class PlanParseException : Exception
{
    public PlanParseException(string reason, int? line = null, long? offset = null, Exception? inner = null)
        : base(Format(reason, line, offset), inner)
    {
        Reason = reason;
        Line = line;
        Offset = offset;
    }

    public string Reason { get; }
    public int? Line { get; }
    public long? Offset { get; }

    private static string Format(string reason, int? line, long? offset) =>
        line is { } l ? $"line {l}: {reason}" : offset is { } o ? $"offset {o}: {reason}" : reason;
}
