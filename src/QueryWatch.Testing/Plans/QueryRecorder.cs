using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryWatch.Testing;

/// <summary>
/// Records every command EF Core sends in the current async flow, from <see cref="Start"/> until
/// disposed, through EF's diagnostics: the application's <c>AddDbContext</c> needs no change.
/// Commands sent on other threads' flows (another test running in parallel) are not recorded.
/// QueryWatch.Testing listens to EF from the moment <see cref="TestPostgres"/> starts (or the first
/// recording): EF caches for a second, per context, that nobody listened, so a context that sent a
/// command in the second before the process first listened may have the next second's commands missed.
/// </summary>
public sealed class QueryRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<RecordedCommand> _commands = [];
    private readonly IDisposable _scope;

    private QueryRecorder() => _scope = EfCommandListener.Open(new Sink(this));

    /// <summary>Starts recording the commands EF sends in this async flow.</summary>
    public static QueryRecorder Start() => new();

    /// <summary>The commands recorded so far, in the order they ran.</summary>
    public IReadOnlyList<RecordedCommand> Commands
    {
        get
        {
            lock (_gate) return [.. _commands];
        }
    }

    /// <summary>
    /// Fails when one statement (one shape: the same SQL whatever its parameters) ran more than
    /// <paramref name="max"/> times: an N+1. The message names the statement, how often it ran and the fix.
    /// </summary>
    public QueryRecorder AssertNoRepeatedStatements(int max = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var commands = Commands;
        var groups = new Dictionary<string, List<RecordedCommand>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var command in commands)
        {
            if (!groups.TryGetValue(command.Fingerprint, out var list))
            {
                groups[command.Fingerprint] = list = [];
                order.Add(command.Fingerprint);
            }
            list.Add(command);
        }

        var text = new StringBuilder();
        foreach (var key in order)
        {
            var list = groups[key];
            if (list.Count <= max) continue;
            var total = TimeSpan.Zero;
            foreach (var c in list) total += c.Duration;
            if (text.Length > 0) text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"A statement ran {list.Count} times (at most {max} allowed), {Ms(total)} in all: an N+1.")
                .AppendLine().AppendLine()
                .AppendLine("  " + list[0].NormalizedSql).AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Fingerprint {key}, sent by {list[0].CommandSource}; the first time as:")
                .AppendLine(list[0].Sql.TrimEnd()).AppendLine()
                .AppendLine("Fix: load the rows in one statement instead of one per row: an Include(...) of the navigation the loop reads,")
                .AppendLine("a projection (Select) that reads the related rows together with their parent, or one query for every key:")
                .AppendLine("WHERE id = ANY(@ids), which EF sends for ids.Contains(x.Id).");
        }

        if (text.Length > 0) throw new QueryPlanAssertionException(text.ToString().TrimEnd());
        return this;
    }

    /// <summary>Fails when more than <paramref name="max"/> commands were sent: a query budget. The message lists them.</summary>
    public QueryRecorder AssertCount(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var commands = Commands;
        if (commands.Count <= max) return this;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Expected at most {max} commands, but {commands.Count} were sent:").AppendLine();
        for (var i = 0; i < commands.Count; i++)
            text.AppendLine(CultureInfo.InvariantCulture, $"{i + 1}. {commands[i].NormalizedSql}");
        throw new QueryPlanAssertionException(text.ToString().TrimEnd());
    }

    /// <summary>Stops recording; the commands recorded stay readable.</summary>
    public void Dispose() => _scope.Dispose();

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture) + " ms";

    private sealed class Sink(QueryRecorder recorder) : ICommandSink
    {
        public void OnExecuted(CommandExecutedEventData data)
        {
            var source = data.Command.Parameters;
            var parameters = new KeyValuePair<string, object?>[source.Count];
            for (var i = 0; i < parameters.Length; i++)
            {
                var value = source[i].Value;
                parameters[i] = new(source[i].ParameterName, value is Array array ? array.Clone() : value);
            }

            var command = new RecordedCommand(data.Command.CommandText, parameters, data.Duration, data.Context, data.CommandSource.ToString());
            lock (recorder._gate) recorder._commands.Add(command);
        }
    }
}
