namespace QueryWatch.Cli;

internal static class Program
{
    private static int Main(string[] args) =>
        CliApp.Run(args, new CliConsole(Console.In, Console.Out, Console.Error, Colour: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null));
}
