using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace QueryWatch.Samples.Incidents.Logging;

/// <summary>
/// A logger provider that keeps what QueryWatch logs (category <c>QueryWatch</c>) in memory, so the sample can
/// print each incident's findings next to it and decide its exit code. Any ILoggerProvider sees the same
/// structured properties (RuleId, Message, Suggestion, ...): this is how a user's own sink would read them.
/// </summary>
internal sealed class FindingRecorder : ILoggerProvider
{
    public const string Category = "QueryWatch";

    private readonly List<RecordedEvent> _events = [];
    private long _sequence;

    public ILogger CreateLogger(string categoryName)
        => categoryName == Category ? new RecordingLogger(this) : NullLogger.Instance;

    /// <summary>The sequence number the next event will get: take it before running a query, read events from it after.</summary>
    public long Mark()
    {
        lock (_events) return _sequence;
    }

    public IReadOnlyList<RecordedEvent> Since(long mark)
    {
        lock (_events) return _events.Where(e => e.Sequence >= mark).ToList();
    }

    /// <summary>Waits until an event after <paramref name="mark"/> matches, or the timeout passes (then null).</summary>
    public async Task<RecordedEvent?> WaitForAsync(long mark, Func<RecordedEvent, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Since(mark).FirstOrDefault(match);
            if (found is not null || DateTime.UtcNow > deadline) return found;
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
    }

    private void Add(EventId eventId, LogLevel level, IReadOnlyDictionary<string, string> properties)
    {
        lock (_events) _events.Add(new RecordedEvent(_sequence++, eventId.Id, level, properties));
    }

    private sealed class RecordingLogger(FindingRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            // [LoggerMessage] state is a list of name/value pairs: the structured properties sinks index on.
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (name, value) in pairs) properties[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }

            recorder.Add(eventId, logLevel, properties);
        }
    }
}
