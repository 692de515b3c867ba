using System.Collections.Concurrent;
using QueryWatch.Explain;

namespace QueryWatch.EntityFrameworkCore.Hosting;

/// <summary>
/// The pipelines one application's contexts used, so that its host stops those and not the
/// pipelines of another host in the same process. Registered by <c>AddQueryWatch</c>. Once the host
/// has stopped, no pipeline starts again for it: a later capture is dropped and counted (issue #16).
/// </summary>
internal sealed class QueryWatchHostLifetime
{
    private readonly ConcurrentDictionary<ExplainPipeline, byte> _pipelines = new();
    private volatile bool _stopped;
    private int _afterStopLogged;

    /// <summary>True once the host began stopping.</summary>
    public bool IsStopped => _stopped;

    /// <summary>True the first time a capture came after stop: that one is logged, the rest only counted.</summary>
    public bool FirstCaptureAfterStop() => Interlocked.Exchange(ref _afterStopLogged, 1) == 0;

    /// <summary>Tracks <paramref name="pipeline"/>; false, and the pipeline is stopped, when the host already stopped.</summary>
    public bool Track(ExplainPipeline pipeline)
    {
        _pipelines.TryAdd(pipeline, 0);
        if (!_stopped) return true;
        // Built while the host was stopping: stop it here, since StopAsync may have passed it by.
        if (_pipelines.TryRemove(pipeline, out _)) _ = ExplainPipelineRegistry.StopAsync(pipeline);
        return false;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        _stopped = true;
        foreach (var pipeline in _pipelines.Keys)
        {
            if (_pipelines.TryRemove(pipeline, out _)) await ExplainPipelineRegistry.StopAsync(pipeline, ct).ConfigureAwait(false);
        }
    }
}
