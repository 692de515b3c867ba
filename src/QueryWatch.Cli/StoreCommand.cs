using System.CommandLine;
using QueryWatch.Explain.Store;

namespace QueryWatch.Cli;

/// <summary><c>querywatch store init --connection CS</c> creates or upgrades schema <c>querywatch</c>; <c>--print</c> prints its SQL instead.</summary>
internal static class StoreCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new Option<string?>("--connection") { Description = "A connection string to the database that holds (or will hold) schema querywatch, as a role that may create it." };
        var print = new Option<bool>("--print") { Description = "Print the schema's SQL (docs/store.sql) instead of running it, for a DBA to run." };
        var init = new Command("init", "Create or upgrade schema querywatch, QueryWatch's Store shared by a fleet of instances.") { connection, print };
        init.SetAction(result => Init(result.GetValue(connection), result.GetValue(print), console));
        return new Command("store", "The Store shared by a fleet of instances (schema querywatch).") { init };
    }

    internal static int Init(string? connectionString, bool print, CliConsole console)
    {
        if (print)
        {
            console.Out.Write(StoreSchema.Script());
            return ExitCodes.Ok;
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            console.Error.WriteLine("querywatch: store init needs --connection CS (or --print to print the SQL)");
            return ExitCodes.UnreadableInput;
        }

        try
        {
            // A command line has nothing else to do meanwhile: blocking here costs nothing.
            var (before, after) = StoreSchema.InitAsync(connectionString, CancellationToken.None).GetAwaiter().GetResult();
            console.Out.WriteLine(before == after
                ? $"Schema querywatch is at version {after}: nothing to do."
                : before == 0 ? $"Schema querywatch created at version {after}." : $"Schema querywatch upgraded from version {before} to {after}.");
            return ExitCodes.Ok;
        }
        catch (StoreAccessException e)
        {
            console.Error.WriteLine("querywatch: cannot create schema querywatch: " + e.Message);
            return ExitCodes.UnreadableInput;
        }
    }
}
