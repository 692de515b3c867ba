using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Tests.Plans.Json;

namespace QueryWatch.Benchmarks;

/// <summary>
/// Reading a 1,000-node EXPLAIN (ANALYZE, BUFFERS, VERBOSE) JSON plan, alone and with every rule,
/// against the floor: a bare Utf8JsonReader pass over the same bytes, in the same run.
/// Goals: parse at most about twice the floor (issue 3); parse + rules likewise, under 1 ms (issue 4).
/// </summary>
[MemoryDiagnoser]
public class JsonPlanParseBenchmarks
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
    public int Parse() => JsonPlanParser.Parse(_json).Root.Children.Count;

    [Benchmark]
    public int ParseAndAnalyze() => _engine.Analyze(JsonPlanParser.Parse(_json)).Count;

    [Benchmark]
    public int AnalyzeOnly() => _engine.Analyze(_plan).Count;
}
