using BenchmarkDotNet.Running;

namespace QueryWatch.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/QueryWatch.Benchmarks -- --filter '*'
    // dotnet run -c Release --project tests/QueryWatch.Benchmarks -- --seed000   (seed 000 at scale, docs/performance.md)
    private static int Main(string[] args)
    {
        if (args is ["--seed000"]) return Seed000Scenario.RunAsync().GetAwaiter().GetResult();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
