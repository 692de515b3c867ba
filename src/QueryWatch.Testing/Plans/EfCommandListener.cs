using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryWatch.Testing;

/// <summary>Receives a command EF has executed in the async flow of an open recording.</summary>
internal interface ICommandSink
{
    void OnExecuted(CommandExecutedEventData data);
}

/// <summary>
/// Subscribes once to EF Core's DiagnosticListener (<c>Microsoft.EntityFrameworkCore</c>) and hands
/// each <c>CommandExecuted</c> event to the recordings open in the async flow that ran the command,
/// so an application's <c>AddDbContext</c> setup needs no interceptor for a test to see its commands.
/// Once the first recording opens, the event stays enabled for the process (a test process).
/// </summary>
internal sealed class EfCommandListener : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly string s_executing = RelationalEventId.CommandExecuting.Name!;
    private static readonly string s_executed = RelationalEventId.CommandExecuted.Name!;
    private static readonly AsyncLocal<Scope?> s_current = new();
    private static readonly Lazy<IDisposable> s_subscription = new(() => DiagnosticListener.AllListeners.Subscribe(new EfCommandListener()));

    /// <summary>
    /// Starts listening to EF for the rest of the process. EF caches a "nobody listens" answer per context
    /// for its logging cache time (a second), so listening starts as early as the test run allows:
    /// when <see cref="TestPostgres"/> starts, or at the first recording.
    /// </summary>
    public static void Listen() => _ = s_subscription.Value;

    /// <summary>Opens a recording into <paramref name="sink"/> for the current async flow; dispose to close it.</summary>
    public static IDisposable Open(ICommandSink sink)
    {
        Listen();
        var scope = new Scope(s_current.Value, sink);
        s_current.Value = scope;
        return scope;
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            // Enabled whatever the flow: EF caches a "nobody listens" answer per context for its logging
            // cache time (a second by default), so a flow-dependent answer would hide the first commands
            // of a recording. Events outside a recording are dropped in OnNext.
            value.Subscribe(this, static (name, _, _) => name == s_executed || name == s_executing);
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != s_executed || value.Value is not CommandExecutedEventData data) return;
        for (var scope = s_current.Value; scope is not null; scope = scope.Parent)
        {
            if (!scope.Closed) scope.Sink.OnExecuted(data);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    private sealed class Scope(Scope? parent, ICommandSink sink) : IDisposable
    {
        public Scope? Parent { get; } = parent;
        public ICommandSink Sink { get; } = sink;
        public bool Closed { get; private set; }

        public void Dispose()
        {
            Closed = true;
            if (ReferenceEquals(s_current.Value, this)) s_current.Value = Parent;
        }
    }
}
