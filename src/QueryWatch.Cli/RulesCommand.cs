using System.CommandLine;
using QueryWatch.Rules;

namespace QueryWatch.Cli;

/// <summary><c>querywatch rules</c>: the catalogue, one rule per line.</summary>
internal static class RulesCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("rules", "List the plan rules: id, name, default severity and what each catches.");
        command.SetAction(_ => Run(console));
        return command;
    }

    internal static int Run(CliConsole console)
    {
        var rules = RuleCatalogue.All;
        var nameWidth = rules.Max(r => r.Name.Length);
        foreach (var rule in rules)
            console.Out.WriteLine($"{rule.Id}  {rule.Name.PadRight(nameWidth)}  {PlanTreeWriter.Severity(rule.DefaultSeverity),-8}  {rule.Summary}");
        return ExitCodes.Ok;
    }
}
