using System.CommandLine;
using System.Text;
using System.Text.Json;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Cli;

/// <summary><c>querywatch analyze FILE|- [--sql FILE [--connection CS]] [--format text|json] [--fail-on info|warning|critical] [--show-values] [--duration 20s [--outcome slow|cancelled|timedout]]</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "A plan in PostgreSQL's JSON or TEXT format (what psql prints), or - for standard input." };
        var sql = new Option<string?>("--sql") { Description = "A file with the query's SQL, used by the rules that read it." };
        var format = new Option<string>("--format") { Description = "text (a tree and the findings) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding is at least this severe: info, warning or critical." };
        failOn.AcceptOnlyFromAmong("info", "warning", "critical");
        var connection = new Option<string?>("--connection") { Description = "A connection string to the database the plan came from (needs --sql): reads its table statistics and checks each proposed index with hypopg, when installed there." };
        var duration = new Option<string?>("--duration") { Description = "How long the command ran, or ran before it was cancelled (from the server log): 20s, 1500ms, 5m, or a bare number of ms. Weighs the plan's estimates against it." };
        var outcome = new Option<string>("--outcome") { Description = "How the command ended: slow (it finished), cancelled or timedout (it would have run longer). Needs --duration.", DefaultValueFactory = _ => "slow" };
        outcome.AcceptOnlyFromAmong("slow", "cancelled", "timedout");
        var showValues = new Option<bool>("--show-values") { Description = "Print the plan's constants (parameter values, literals) in the findings; by default they are replaced, as in QueryWatch's logs, so the output can be pasted anywhere." };
        var command = new Command("analyze", "Read a plan, print it as a tree and list what is wrong with it.") { file, sql, format, failOn, connection, showValues, duration, outcome };
        command.SetAction(result =>
        {
            ObservedRun? observed = null;
            if (result.GetValue(duration) is { } text)
            {
                if (ParseDuration(text) is not { } d)
                {
                    console.Error.WriteLine($"querywatch: --duration {text} is not a duration: write it as 20s, 1500ms, 5m or a number of ms");
                    return ExitCodes.UnreadableInput;
                }
                observed = ObservedRun.Of(d, finished: result.GetValue(outcome) == "slow");
            }
            return Run(result.GetValue(file)!, result.GetValue(sql), result.GetValue(format)!, result.GetValue(failOn), console, result.GetValue(connection), result.GetValue(showValues), observed);
        });
        return command;
    }

    /// <summary><c>20s</c>, <c>1500ms</c>, <c>5m</c>, <c>1h</c>, <c>0.5s</c> or a bare number of milliseconds (how PostgreSQL's log prints them); null when unreadable.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        var t = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1_000), ("min", 60_000), ("m", 60_000), ("h", 3_600_000)];
        var factor = 1.0;
        foreach (var (suffix, ms) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^suffix.Length].TrimEnd();
                factor = ms;
                break;
            }
        }
        return double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? TimeSpan.FromMilliseconds(value * factor)
            : null;
    }

    internal static int Run(string path, string? sqlPath, string format, string? failOn, CliConsole console, string? connectionString = null, bool showValues = false, ObservedRun? observed = null)
    {
        if (connectionString is not null && sqlPath is null)
        {
            console.Error.WriteLine("querywatch: --connection needs --sql: index proposals are checked by EXPLAINing the statement");
            return ExitCodes.UnreadableInput;
        }
        var text = InputFile.TryRead(path, console.In, out var error);
        string? sql = null;
        if (text is not null && sqlPath is not null) sql = InputFile.TryRead(sqlPath, console.In, out error);
        if (error is not null)
        {
            console.Error.WriteLine("querywatch: " + error);
            return ExitCodes.UnreadableInput;
        }

        Plan plan;
        try
        {
            plan = PlanReader.Read(text!);
        }
        catch (PlanParseException e)
        {
            console.Error.WriteLine("querywatch: not a readable plan: " + e.Message);
            return ExitCodes.UnreadableInput;
        }

        var findings = connectionString is null
            ? new RuleEngine().Analyze(plan, sql, observed: observed)
            // A command line has nothing else to do meanwhile: blocking here costs nothing.
            : AnalyzeConnectedAsync(plan, sql!, connectionString, console, observed).GetAwaiter().GetResult();
        // The same redaction as the logs: a CI log or an issue is where this output ends up.
        if (!showValues) findings = [.. findings.Select(FindingRedactor.Redact)];
        if (format == "json") WriteJson(console.Out, findings);
        else WriteText(console, plan, findings);

        return failOn is not null && findings.Any(f => f.Severity >= ParseSeverity(failOn))
            ? ExitCodes.FindingsAtThreshold
            : ExitCodes.Ok;
    }

    private static async Task<IReadOnlyList<Finding>> AnalyzeConnectedAsync(Plan plan, string sql, string connectionString, CliConsole console, ObservedRun? observed)
    {
        try
        {
            return await ConnectedPlanAnalysis.AnalyzeAsync(plan, sql, connectionString, observed).ConfigureAwait(false);
        }
        catch (ConnectedPlanAnalysisException e)
        {
            // The plan is still worth reading without the database: say why the check was skipped.
            console.Error.WriteLine("querywatch: no verification, the database is not reachable: " + e.Message);
            return ConnectedPlanAnalysis.Unverified(new RuleEngine().Analyze(plan, sql, observed: observed), "the database is not reachable");
        }
    }

    private static RuleSeverity ParseSeverity(string s) => s switch
    {
        "critical" => RuleSeverity.Critical,
        "warning" => RuleSeverity.Warning,
        _ => RuleSeverity.Info,
    };

    private static void WriteText(CliConsole console, Plan plan, IReadOnlyList<Finding> findings)
    {
        new PlanTreeWriter(console.Out, console.Colour).Write(plan, findings);
        console.Out.WriteLine();
        if (findings.Count == 0)
        {
            console.Out.WriteLine("No findings.");
            return;
        }

        console.Out.WriteLine($"Findings ({findings.Count}), most important first:");
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            console.Out.WriteLine($"{i + 1}. {f.RuleId} {f.RuleName} ({PlanTreeWriter.Severity(f.Severity)}, {f.Basis.ToString().ToLowerInvariant()})");
            console.Out.WriteLine($"   at:  {f.NodePath}");
            console.Out.WriteLine($"   why: {f.Message}");
            console.Out.WriteLine($"   fix: {f.Suggestion}");
        }
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<Finding> findings)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = CliJson.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartArray("findings");
            foreach (var f in findings)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", f.RuleId);
                json.WriteString("ruleName", f.RuleName);
                json.WriteString("severity", PlanTreeWriter.Severity(f.Severity));
                json.WriteString("basis", f.Basis.ToString().ToLowerInvariant());
                json.WriteString("node", f.NodePath);
                json.WriteString("message", f.Message);
                json.WriteString("suggestion", f.Suggestion);
                json.WriteStartObject("evidence");
                foreach (var (key, value) in f.Evidence) json.WriteString(key, value);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
