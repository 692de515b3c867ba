using System.CommandLine;
using System.Text.Json;
using QueryWatch.Sql;

namespace QueryWatch.Cli;

/// <summary><c>querywatch fingerprint FILE|-</c>: one line per statement, id TAB normalized text.</summary>
internal static class FingerprintCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "A file of SQL, or - for standard input." };
        var format = new Option<string>("--format") { Description = "text (id<TAB>normalized) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("fingerprint", "Split SQL into statements and print each one's fingerprint id and normalized text.") { file, format };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(format)!, console));
        return command;
    }

    internal static int Run(string path, string format, CliConsole console)
    {
        var sql = InputFile.TryRead(path, console.In, out var error);
        if (sql is null)
        {
            console.Error.WriteLine(error);
            return ExitCodes.UnreadableInput;
        }

        var statements = SqlStatementSplitter.Split(sql);
        if (format == "json")
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = CliJson.Encoder }))
            {
                json.WriteStartArray();
                foreach (var statement in statements)
                {
                    var fingerprint = SqlFingerprint.Compute(statement.Text);
                    json.WriteStartObject();
                    json.WriteString("id", fingerprint.IdHex);
                    json.WriteString("normalized", fingerprint.Normalized);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return ExitCodes.Ok;
        }

        foreach (var statement in statements)
        {
            var fingerprint = SqlFingerprint.Compute(statement.Text);
            console.Out.Write(fingerprint.IdHex);
            console.Out.Write('\t');
            console.Out.WriteLine(fingerprint.Normalized);
        }
        return ExitCodes.Ok;
    }
}
