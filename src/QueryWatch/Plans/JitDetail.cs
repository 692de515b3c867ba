namespace QueryWatch.Plans;

/// <summary>EXPLAIN's <c>JIT</c> block.</summary>
internal sealed class JitDetail
{
    public int? Functions { get; set; }
    public double? GenerationMs { get; set; }
    public double? InliningMs { get; set; }
    public double? OptimizationMs { get; set; }
    public double? EmissionMs { get; set; }
    public double? TotalMs { get; set; }
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);
}
