using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QueryWatch.Plans;
using QueryWatch.Tests.Plans.Json;

namespace QueryWatch.Benchmarks;

/// <summary>
/// Reading a 1,000-node EXPLAIN (ANALYZE, BUFFERS, VERBOSE) JSON plan against the floor: a bare
/// Utf8JsonReader pass over the same bytes. Goal: at most about twice the floor.
/// </summary>
[MemoryDiagnoser]
public class JsonPlanParseBenchmarks
{
    private byte[] _json = [];

    [GlobalSetup]
    public void Setup() => _json = SyntheticJsonPlan.Generate(1_000);

    [Benchmark(Baseline = true)]
    public int ReadEveryToken()
    {
        var reader = new Utf8JsonReader(_json);
        var tokens = 0;
        while (reader.Read()) tokens++;
        return tokens;
    }

    [Benchmark]
    public int Parse() => JsonPlanParser.Parse(_json).Root.Children.Count;
}
