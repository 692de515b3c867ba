using System.Collections.Concurrent;
using QueryWatch.Explain;

namespace QueryWatch.EntityFrameworkCore.Hosting;

/// <summary>
/// The pipelines one application's contexts used, so that its host stops those and not the
/// pipelines of another host in the same process. Registered by <c>AddQueryWatch</c>.
/// </summary>
internal sealed class QueryWatchHostLifetime
{
    private readonly ConcurrentDictionary<ExplainPipeline, byte> _pipelines = new();

    public void Track(ExplainPipeline pipeline) => _pipelines.TryAdd(pipeline, 0);

    public async Task StopAsync(CancellationToken ct)
    {
        foreach (var pipeline in _pipelines.Keys)
        {
            _pipelines.TryRemove(pipeline, out _);
            await ExplainPipelineRegistry.StopAsync(pipeline, ct).ConfigureAwait(false);
        }
    }
}
