using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace QueryWatch.Explain;

/// <summary>
/// The process's pipelines, one per connection string: every DbContext type, pooled or not, that
/// talks to the same database shares one queue, one cooldown and one worker. Stopped by the host
/// (AddQueryWatch's hosted service) or, without one, when the process exits.
/// </summary>
internal static class ExplainPipelineRegistry
{
    private static readonly ConcurrentDictionary<string, Lazy<ExplainPipeline>> s_pipelines = new(StringComparer.Ordinal);
    private static int s_exitHooked;
    private static int s_processExiting;

    /// <summary>True once the process began exiting: its pipelines are stopping, and none may start again (issue #16).</summary>
    public static bool ProcessExiting => Volatile.Read(ref s_processExiting) != 0;

    /// <summary>The pipeline for <paramref name="connectionString"/>; the first caller's options and logger factory build it.</summary>
    public static ExplainPipeline GetOrCreate(string connectionString, QueryWatchOptions options, ILoggerFactory loggerFactory)
    {
        var key = KeyOf(connectionString, options);
        if (s_pipelines.TryGetValue(key, out var existing)) return existing.Value;
        HookProcessExit();
        var lazy = s_pipelines.GetOrAdd(key, _ => new Lazy<ExplainPipeline>(
            () => new ExplainPipeline(connectionString, options, loggerFactory), LazyThreadSafetyMode.ExecutionAndPublication));
        return lazy.Value;
    }

    /// <summary>The pipeline <see cref="GetOrCreate"/> built for these arguments, if any.</summary>
    public static ExplainPipeline? Find(string connectionString, QueryWatchOptions options)
        => s_pipelines.TryGetValue(KeyOf(connectionString, options), out var lazy) && lazy.IsValueCreated ? lazy.Value : null;

    /// <summary>Stops and forgets the pipeline for these arguments, if any.</summary>
    public static async Task StopAsync(string connectionString, QueryWatchOptions options, CancellationToken ct = default)
    {
        if (s_pipelines.TryRemove(KeyOf(connectionString, options), out var lazy) && lazy.IsValueCreated)
            await lazy.Value.StopAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops and forgets <paramref name="pipeline"/>, if it is still registered.</summary>
    public static async Task StopAsync(ExplainPipeline pipeline, CancellationToken ct = default)
    {
        foreach (var entry in s_pipelines)
        {
            if (entry.Value.IsValueCreated && ReferenceEquals(entry.Value.Value, pipeline) && s_pipelines.TryRemove(entry))
                await pipeline.StopAsync(ct).ConfigureAwait(false);
        }
    }

    private static string KeyOf(string connectionString, QueryWatchOptions options)
        => options.ExplainConnectionString is { } explain ? explain + "\n" + connectionString : connectionString;

    /// <summary>Stops and forgets every pipeline; a later capture starts a new one.</summary>
    public static async Task StopAllAsync(CancellationToken ct = default)
    {
        foreach (var (key, lazy) in s_pipelines)
        {
            if (!s_pipelines.TryRemove(new KeyValuePair<string, Lazy<ExplainPipeline>>(key, lazy)) || !lazy.IsValueCreated) continue;
            await lazy.Value.StopAsync(ct).ConfigureAwait(false);
        }
    }

    private static void HookProcessExit()
    {
        if (Interlocked.Exchange(ref s_exitHooked, 1) != 0) return;
        // Without a host nothing else stops the worker; ProcessExit handlers get a few seconds at most.
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            Volatile.Write(ref s_processExiting, 1);
            try
            {
                StopAllAsync().Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
            }
        };
    }
}
