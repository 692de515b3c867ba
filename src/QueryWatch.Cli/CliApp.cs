using System.CommandLine;

namespace QueryWatch.Cli;

/// <summary>The <c>querywatch</c> command line: analyze, rules, fingerprint, store, report, diff.</summary>
internal static class CliApp
{
    public static int Run(string[] args, CliConsole console)
    {
        var root = new RootCommand("QueryWatch: read PostgreSQL plans and say what is wrong with them.")
        {
            AnalyzeCommand.Create(console),
            RulesCommand.Create(console),
            FingerprintCommand.Create(console),
            StoreCommand.Create(console),
            Report.ReportCommand.Create(console),
            DiffCommand.Create(console),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) console.Error.WriteLine("querywatch: " + error.Message);
            return ExitCodes.UnreadableInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }
}
