using BenchmarkDotNet.Running;

namespace QueryWatch.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/QueryWatch.Benchmarks -- --filter '*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
