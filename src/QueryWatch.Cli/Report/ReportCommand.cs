using System.CommandLine;
using QueryWatch.Explain.Store;

namespace QueryWatch.Cli.Report;

/// <summary>
/// <c>querywatch report --connection CS [--since 24h] [--format text|json|html] [-o FILE] [--show-values]</c>: the
/// fleet's findings from the Store, most costly first (DESIGN.md, "Fleet CLI").
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new Option<string>("--connection") { Description = "A connection string to the database that holds schema querywatch (the Store).", Required = true };
        var since = new Option<string>("--since") { Description = "How far back: findings seen within this period, e.g. 24h, 7d, 30m.", DefaultValueFactory = _ => "24h" };
        var format = new Option<string>("--format") { Description = "text (for a terminal), json (for scripts) or html (one self-contained page).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of standard output." };
        var showValues = new Option<bool>("--show-values") { Description = "Print the values an instance with LogParameterValues on stored; by default they are replaced, as in QueryWatch's logs." };
        var command = new Command("report", "The fleet's findings from the Store, ranked by the time they cost: completed time from pg_stat_statements plus the cancelled and timed-out time QueryWatch saw.")
        {
            connection, since, format, output, showValues,
        };
        command.SetAction(result => Run(result.GetValue(connection)!, result.GetValue(since)!, result.GetValue(format)!, result.GetValue(output), result.GetValue(showValues), console));
        return command;
    }

    internal static int Run(string connectionString, string since, string format, string? outputPath, bool showValues, CliConsole console)
    {
        if (ParsePeriod(since) is not { } period)
        {
            console.Error.WriteLine($"querywatch: --since {since} is not a period: write it as 24h, 7d, 30m or 90s");
            return ExitCodes.UnreadableInput;
        }

        var generatedAt = DateTimeOffset.UtcNow;
        var from = generatedAt - period;
        IReadOnlyList<FleetFinding> findings;
        try
        {
            // A command line has nothing else to do meanwhile: blocking here costs nothing.
            findings = FleetReportReader.ReadAsync(connectionString, from, showValues, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StoreSchemaMissingException e)
        {
            console.Error.WriteLine($"querywatch: no report: {e.Message}; create it with `querywatch store init --connection ...`");
            return ExitCodes.UnreadableInput;
        }
        catch (StoreAccessException e)
        {
            console.Error.WriteLine("querywatch: cannot read the Store: " + e.Message);
            return ExitCodes.UnreadableInput;
        }

        string text;
        switch (format)
        {
            case "json":
                text = JsonReport.Render(findings, from, generatedAt);
                break;
            case "html":
                text = HtmlReport.Render(findings, from, generatedAt);
                break;
            default:
                text = TextReport.Render(findings, from, generatedAt);
                break;
        }

        if (outputPath is null)
        {
            console.Out.Write(text);
            return ExitCodes.Ok;
        }

        try
        {
            File.WriteAllText(outputPath, text);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            console.Error.WriteLine($"querywatch: cannot write {outputPath}: {e.Message}");
            return ExitCodes.UnreadableInput;
        }
    }

    /// <summary><c>24h</c>, <c>7d</c>, <c>30m</c>, <c>90s</c>, <c>1500ms</c> or a bare number of hours; null when unreadable or not positive.</summary>
    internal static TimeSpan? ParsePeriod(string text)
    {
        var t = text.Trim();
        if (t.EndsWith('d') && double.TryParse(t[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var days))
            return days > 0 && double.IsFinite(days) && days < 36_500 ? TimeSpan.FromDays(days) : null;
        if (double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var hours))
            return hours > 0 && double.IsFinite(hours) && hours < 876_000 ? TimeSpan.FromHours(hours) : null;
        return AnalyzeCommand.ParseDuration(t) is { } d && d > TimeSpan.Zero ? d : null;
    }
}
