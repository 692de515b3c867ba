using System.CommandLine;
using System.Text;
using System.Text.Json;
using QueryWatch.Plans;

namespace QueryWatch.Cli;

/// <summary>
/// <c>querywatch diff BEFORE AFTER [--format text|json]</c> (issue #15): both plans' shapes as trees,
/// their shape hashes, and the nodes that differ. Exit 0 when the shapes are the same, 1 when they
/// differ (a CI job that keeps a plan per critical query fails on a flip), 2 for unreadable input.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliConsole console)
    {
        var before = new Argument<string>("before") { Description = "The earlier plan, in PostgreSQL's JSON or TEXT format, or - for standard input." };
        var after = new Argument<string>("after") { Description = "The later plan, in either format, or - for standard input (only one of the two may be -)." };
        var format = new Option<string>("--format") { Description = "text (both trees, marked, and the differences) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("diff", "Compare two plans' shapes: exit 0 when they are the same plan, 1 when the plan changed.") { before, after, format };
        command.SetAction(result => Run(result.GetValue(before)!, result.GetValue(after)!, result.GetValue(format)!, console));
        return command;
    }

    internal static int Run(string beforePath, string afterPath, string format, CliConsole console)
    {
        if (beforePath == "-" && afterPath == "-")
        {
            console.Error.WriteLine("querywatch: only one of BEFORE and AFTER can be - (standard input)");
            return ExitCodes.UnreadableInput;
        }
        var before = TryRead(beforePath, console);
        if (before is null) return ExitCodes.UnreadableInput;
        var after = TryRead(afterPath, console);
        if (after is null) return ExitCodes.UnreadableInput;

        var diff = PlanShapeDiff.Compare(before, after);
        var beforeHash = PlanShape.HashText(before);
        var afterHash = PlanShape.HashText(after);
        if (format == "json") WriteJson(console.Out, diff, beforeHash, afterHash);
        else WriteText(console.Out, diff, beforePath, afterPath, beforeHash, afterHash);
        return diff.IsSame ? ExitCodes.Ok : ExitCodes.ShapesDiffer;
    }

    private static Plan? TryRead(string path, CliConsole console)
    {
        var text = InputFile.TryRead(path, console.In, out var error);
        if (text is null)
        {
            console.Error.WriteLine("querywatch: " + error);
            return null;
        }
        try
        {
            return PlanReader.Read(text);
        }
        catch (PlanParseException e)
        {
            console.Error.WriteLine($"querywatch: {(path == "-" ? "standard input" : path)} is not a readable plan: {e.Message}");
            return null;
        }
    }

    // Shape lines name node types, indexes, relations, functions and CTEs only: no condition text,
    // so no literal can reach this output and no redaction is needed.
    private static void WriteText(TextWriter output, PlanShapeDiff diff, string beforePath, string afterPath, string beforeHash, string afterHash)
    {
        output.WriteLine($"before: {Name(beforePath)}  shape {beforeHash}");
        output.Write(diff.RenderTree(after: false));
        output.WriteLine();
        output.WriteLine($"after:  {Name(afterPath)}  shape {afterHash}");
        output.Write(diff.RenderTree(after: true));
        output.WriteLine();
        var differences = diff.Differences();
        if (differences.Count == 0)
        {
            output.WriteLine("Same shape: the same plan.");
            return;
        }
        output.WriteLine($"The plan changed ({differences.Count} node{(differences.Count == 1 ? "" : "s")} differ; marked * changed, - removed, + added, ~ moved):");
        foreach (var d in differences) output.WriteLine("  " + d);
    }

    private static string Name(string path) => path == "-" ? "standard input" : path;

    private static void WriteJson(TextWriter output, PlanShapeDiff diff, string beforeHash, string afterHash)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = CliJson.Encoder }))
        {
            json.WriteStartObject();
            json.WriteBoolean("same", diff.IsSame);
            Side(json, "before", beforeHash, diff.Before);
            Side(json, "after", afterHash, diff.After);
            json.WriteStartArray("differences");
            foreach (var row in diff.Rows)
            {
                if (row.Kind == PlanShapeChange.Same) continue;
                json.WriteStartObject();
                json.WriteString("change", row.Kind.ToString().ToLowerInvariant());
                if (row.Before is { } b) json.WriteString("before", b.Text); else json.WriteNull("before");
                if (row.After is { } a) json.WriteString("after", a.Text); else json.WriteNull("after");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void Side(Utf8JsonWriter json, string name, string hash, IReadOnlyList<PlanShapeLine> lines)
    {
        json.WriteStartObject(name);
        json.WriteString("hash", hash);
        json.WriteStartArray("shape");
        foreach (var line in lines) json.WriteStringValue(new string(' ', line.Depth * 2) + line.Text);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
