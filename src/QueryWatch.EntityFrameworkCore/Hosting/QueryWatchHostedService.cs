using Microsoft.Extensions.Hosting;
using QueryWatch.Explain;

namespace QueryWatch.EntityFrameworkCore.Hosting;

/// <summary>
/// Ties the explain workers to the host's lifetime: they start with the first capture and stop,
/// discarding what is still queued, when the host stops.
/// </summary>
internal sealed class QueryWatchHostedService : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => ExplainPipelineRegistry.StopAllAsync(cancellationToken);
}
