using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain.Store;

namespace QueryWatch.Explain;

/// <summary>
/// One per process and connection string: the bounded queue between the interceptor and the explain
/// worker, and the worker itself. The queue never blocks a caller; when full it drops and counts.
/// The worker starts with the first capture.
/// </summary>
internal sealed class ExplainPipeline : IAsyncDisposable
{
    private static readonly TimeSpan s_dropLogInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<CapturedCommand> _queue;
    private readonly ExplainWorker _worker;
    private readonly InFlightSampler? _sampler;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly CancellationTokenSource _stopping = new();
    private readonly QueueByteBudget _bytes;
    private long _lastBytesLogTicks;
    private Task? _running;
    private long _dropped;
    private long _lastDropLogTicks;
    private int _started;

    public ExplainPipeline(string connectionString, QueryWatchOptions options, ILoggerFactory loggerFactory,
        IPlanAnalyzer? analyzer = null, IExplainCooldown? cooldown = null)
    {
        Options = options.Clone();
        _logger = loggerFactory.CreateLogger(Log.Category);
        _capacity = Options.QueueCapacity;
        _bytes = new QueueByteBudget(Options.MaxQueuedBytes);
        _queue = Channel.CreateBounded<CapturedCommand>(
            new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            OnDropped);

        // The Store (issue #14): a claim shared by the fleet on top of the process's own cooldown.
        FleetStore? store = null;
        if (cooldown is null && Options.Store.ConnectionString is not null)
        {
            store = new FleetStore(Options.Store, Options.ExplainCooldown, _logger, Options.LogParameterValues);
            cooldown = new StoreExplainCooldown(new InMemoryExplainCooldown(Options.ExplainCooldown), store, _logger);
        }

        var dataSource = NpgsqlDataSource.Create(ExplainConnectionSettings.For(Options.ExplainConnectionString ?? connectionString, Options.ExplainStatementTimeout));
        _worker = new ExplainWorker(
            _queue.Reader,
            dataSource,
            Options,
            _logger,
            analyzer ?? new RuleEnginePlanAnalyzer(Options.Rules, _logger),
            cooldown ?? new InMemoryExplainCooldown(Options.ExplainCooldown),
            _bytes,
            store);
        // The application's server, never ExplainConnectionString: a replica's pg_stat_activity does
        // not show the primary's backends. Nothing connects until a command runs past the threshold.
        if (Options.InFlightSampleInterval > TimeSpan.Zero)
            _sampler = new InFlightSampler(connectionString, Options.InFlightSampleInterval, Options.LogParameterValues, _logger);
    }

    /// <summary>The live sampler, or null when <see cref="QueryWatchOptions.InFlightSampleInterval"/> is zero.</summary>
    internal InFlightSampler? Sampler => _sampler;

    /// <summary>Samples the running commands of <paramref name="table"/> from now on (nothing when live sampling is off).</summary>
    public void Watch(InFlightCommands table) => _sampler?.Watch(table);

    /// <summary>The options the pipeline was built with (the first context's, for every context sharing it).</summary>
    public QueryWatchOptions Options { get; }

    /// <summary>True once <see cref="StopAsync"/> ran: a later capture needs a new pipeline from the registry.</summary>
    public bool IsStopped => _stopping.IsCancellationRequested;

    /// <summary>Captures dropped because the queue was full, over its byte budget, or came after stop.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Bytes the queued captures hold now (<see cref="CapturedCommand.RetainedBytes"/>); at most <see cref="QueryWatchOptions.MaxQueuedBytes"/>.</summary>
    public long QueuedBytes => _bytes.Queued;

    /// <summary>Captured commands the worker has finished with (explained, skipped or failed).</summary>
    public long Handled => _worker.Handled;

    /// <summary>The plans the worker recorded per statement: baselines and captures (issue #15).</summary>
    internal IPlanHistory PlanHistory => _worker.History;

    /// <summary>Queues <paramref name="command"/> without waiting; false (dropped and counted) once stopped or over the byte budget.</summary>
    public bool TryEnqueue(CapturedCommand command)
    {
        // A stopped pipeline's worker and data source are gone: never start them again (issue #16).
        if (IsStopped)
        {
            Drop("stopped");
            return false;
        }

        if (!_bytes.TryReserve(command.RetainedBytes))
        {
            Drop("bytes");
            if (Throttle(ref _lastBytesLogTicks)) Log.CaptureOverByteBudget(_logger, _bytes.Queued, _bytes.MaxBytes);
            return false;
        }

        if (Volatile.Read(ref _started) == 0) Start();
        if (_queue.Writer.TryWrite(command)) return true;
        _bytes.Release(command.RetainedBytes);
        Drop("stopped");
        return false;
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref _dropped);
        QueryWatchMetrics.Dropped(reason);
    }

    private static bool Throttle(ref long lastTicks)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastTicks);
        return (last == 0 || now - last >= (long)s_dropLogInterval.TotalMilliseconds)
            && Interlocked.CompareExchange(ref lastTicks, now, last) == last;
    }

    private void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        // The worker must not inherit the first caller's Activity, culture or AsyncLocals.
        using (ExecutionContext.SuppressFlow())
        {
            _running = Task.Run(() => _worker.RunAsync(_stopping.Token));
        }
    }

    private void OnDropped(CapturedCommand command)
    {
        _bytes.Release(command.RetainedBytes);
        Drop("full");
        if (Throttle(ref _lastDropLogTicks)) Log.CaptureDropped(_logger, _capacity);
    }

    /// <summary>Stops the worker; what is still queued is discarded.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is { } running)
        {
            try
            {
                // Every server call honours the stop token, but a cancellation the server never answers
                // still waits for Npgsql's timeouts: stopping must return all the same (issue #16).
                await running.WaitAsync(ExplainConnectionSettings.StopTimeout, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (TimeoutException)
            {
                Log.WorkerStopAbandoned(_logger, ExplainConnectionSettings.StopTimeout.TotalSeconds);
            }
        }

        if (_sampler is not null) await _sampler.DisposeAsync().ConfigureAwait(false);
        await _worker.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
