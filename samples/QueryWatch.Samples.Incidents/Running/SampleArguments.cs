using System.Globalization;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>The sample's command line: <c>[--incident N] [--scale X] [--connection CS]</c>.</summary>
internal sealed record SampleArguments(int? Incident, double Scale, string? Connection, bool Help)
{
    public const string ConnectionEnvironmentVariable = "QUERYWATCH_CONNECTION";

    public const string Usage = """
        Replays the five incidents of shared/seeds against PostgreSQL and shows what QueryWatch logs for each.

        usage: dotnet run --project samples/QueryWatch.Samples.Incidents -- [options]
          --incident N       run one incident (0-4, or 000-004); default: all five
          --scale X          data volume relative to the fixtures (default 1 = ~1M rows for incident 000;
                             0.1 for a quick run); small tables keep a floor so every bad plan still forms
          --connection CS    an existing PostgreSQL server (needs CREATEDB; databases querywatch_incident_*
                             are dropped and recreated); default: $QUERYWATCH_CONNECTION, else a throwaway
                             cluster started from the local PostgreSQL binaries and removed at the end
        exit code: 0 when QueryWatch caught every incident with the rule the seeds README names, 1 otherwise,
        2 for a bad command line
        """;

    /// <summary>Parses the arguments; a one-line reason in <paramref name="error"/> when they make no sense.</summary>
    public static SampleArguments? Parse(string[] args, out string? error)
    {
        error = null;
        int? incident = null;
        var scale = 1.0;
        string? connection = Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help" or "-?") return new SampleArguments(null, scale, null, Help: true);
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value, or is not an option this sample knows (try --help)";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--incident" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 4:
                    incident = n;
                    break;
                case "--scale" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 20:
                    scale = s;
                    break;
                case "--connection" when !string.IsNullOrWhiteSpace(value):
                    connection = value;
                    break;
                default:
                    error = $"{name} {value}: expected --incident 0-4, --scale between 0 and 20, or --connection <connection string>";
                    return null;
            }
        }

        return new SampleArguments(incident, scale, string.IsNullOrWhiteSpace(connection) ? null : connection, Help: false);
    }
}
