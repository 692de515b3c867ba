using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Tests.Plans.Json;

namespace QueryWatch.Benchmarks;

/// <summary>
/// Parse + every rule on a 1,000-node EXPLAIN (ANALYZE, BUFFERS, VERBOSE) JSON plan, against a bare
/// Utf8JsonReader pass over the same bytes. Goal (issue 4): at most about twice the floor, under 1 ms.
/// </summary>
[MemoryDiagnoser]
public class RuleEngineBenchmarks
{
    private readonly RuleEngine _engine = new();
    private byte[] _json = [];
    private Plan _plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = SyntheticJsonPlan.Generate(1_000);
        _plan = JsonPlanParser.Parse(_json);
    }

    [Benchmark(Baseline = true)]
    public int ReadEveryToken()
    {
        var reader = new Utf8JsonReader(_json);
        var tokens = 0;
        while (reader.Read()) tokens++;
        return tokens;
    }

    [Benchmark]
    public int ParseAndAnalyze() => _engine.Analyze(JsonPlanParser.Parse(_json)).Count;

    [Benchmark]
    public int AnalyzeOnly() => _engine.Analyze(_plan).Count;
}
