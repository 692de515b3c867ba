using Microsoft.Extensions.Hosting;

namespace QueryWatch.EntityFrameworkCore.Hosting;

/// <summary>
/// Ties the explain workers this application's contexts use to the host's lifetime: they start with
/// the first capture and stop, discarding what is still queued, when the host stops.
/// </summary>
internal sealed class QueryWatchHostedService(QueryWatchHostLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => lifetime.StopAsync(cancellationToken);
}
