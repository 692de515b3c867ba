using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QueryWatch.EntityFrameworkCore.Hosting;
using QueryWatch.EntityFrameworkCore.Interception;
using QueryWatch.Explain;
using QueryWatch.Rewrites;

namespace QueryWatch.EntityFrameworkCore.Infrastructure;

/// <summary>
/// What <c>UseQueryWatch</c> leaves in a context's options: a snapshot of <see cref="QueryWatchOptions"/>
/// and the logger factory to report with. Immutable once built; <c>UseQueryWatch</c> called again
/// replaces it with a copy.
/// </summary>
internal sealed class QueryWatchOptionsExtension : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;
    private ExplainPipeline? _pipeline;

    public QueryWatchOptionsExtension(QueryWatchOptions options, ILoggerFactory? loggerFactory, QueryWatchHostLifetime? hostLifetime = null, string? environmentName = null)
    {
        Options = options.Clone();
        LoggerFactory = loggerFactory;
        HostLifetime = hostLifetime;
        EnvironmentName = environmentName;
        RewriteMode = RewriteSettings.EffectiveMode(Options.Rewrites, environmentName);
        DisabledRewritesKey = RewriteSettings.DisabledKey(Options.Rewrites);
    }

    /// <summary>The host's environment name when <c>AddQueryWatch</c> registered a host; null: the process's environment variables decide.</summary>
    public string? EnvironmentName { get; }

    /// <summary>The rewrite mode in effect here: Apply outside <see cref="RewriteOptions.Environments"/> is Suggest.</summary>
    public RewriteMode RewriteMode { get; }

    /// <summary>The disabled rewrite ids, normalized: contexts that differ in them need their own interceptor.</summary>
    public string DisabledRewritesKey { get; }

    /// <summary>The options this context uses; a private copy.</summary>
    public QueryWatchOptions Options { get; }

    /// <summary>The application's logger factory when one was known at configuration; otherwise EF's, resolved at first capture.</summary>
    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>The host that stops the pipeline, when <c>AddQueryWatch</c> registered one; otherwise process exit does.</summary>
    public QueryWatchHostLifetime? HostLifetime { get; }

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    /// <summary>A copy with the options changed by <paramref name="configure"/>.</summary>
    public QueryWatchOptionsExtension WithOptions(Action<QueryWatchOptions> configure)
    {
        var options = Options.Clone();
        configure(options);
        return new QueryWatchOptionsExtension(options, LoggerFactory, HostLifetime, EnvironmentName);
    }

    public void ApplyServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(new QueryWatchInterceptor(this));

    public void Validate(IDbContextOptions options)
    {
        var errors = QueryWatchOptionsValidator.Check(Options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                "UseQueryWatch was given invalid options. " + string.Join(" ", errors)
                + " Fix them in the UseQueryWatch(o => ...) action or in the \"QueryWatch\" configuration section.");
        }
    }

    /// <summary>
    /// The process-wide pipeline for this context's database; built on first capture. Null once this
    /// context's host has stopped, or the process is exiting: a capture then must not start a new,
    /// untracked worker (issue #16).
    /// </summary>
    internal ExplainPipeline? GetPipeline(DbContext? context, DbCommand command)
    {
        if (_pipeline is { IsStopped: false } pipeline) return pipeline;
        if (HostLifetime is { IsStopped: true } || ExplainPipelineRegistry.ProcessExiting) return null;
        // The configured connection string, not DbConnection.ConnectionString: Npgsql drops the
        // password from the latter once the connection has opened (Persist Security Info=false).
        var connectionString = context?.Database.GetConnectionString() ?? command.Connection?.ConnectionString
            ?? throw new InvalidOperationException("QueryWatch found no connection string for the command; set QueryWatchOptions.ExplainConnectionString.");
        var loggerFactory = LoggerFactory ?? context?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        pipeline = ExplainPipelineRegistry.GetOrCreate(connectionString, Options, loggerFactory);
        if (HostLifetime is not null && !HostLifetime.Track(pipeline)) return null;
        return _pipeline = pipeline;
    }

    private sealed class ExtensionInfo(QueryWatchOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private int? _serviceProviderHash;

        private new QueryWatchOptionsExtension Extension => (QueryWatchOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => Extension.Options.Enabled
            ? string.Create(CultureInfo.InvariantCulture, $"QueryWatch(SlowCommandThreshold={Extension.Options.SlowCommandThreshold}) ")
            : "QueryWatch(Enabled=false) ";

        // Only what the interceptor instance reads on the hot path changes the service provider;
        // everything else is read from each context's own extension at capture time.
        // The rewrite mode and disabled ids too: the interceptor owns the book of verified rewrites;
        // and whether live sampling is on: the interceptor owns the slot table of running commands;
        // and RepeatedStatementThreshold: the interceptor counts repeated statements against it;
        // and the baseline rate: the interceptor counts down to the next baseline (issue #15).
        public override int GetServiceProviderHashCode() => _serviceProviderHash ??= HashCode.Combine(
            Extension.Options.Enabled, Extension.Options.SlowCommandThreshold, Extension.Options.ExplainFailedCommands,
            Extension.RewriteMode, Extension.DisabledRewritesKey, Extension.Options.InFlightSampleInterval > TimeSpan.Zero,
            Extension.Options.RepeatedStatementThreshold, Extension.Options.BaselineSampleRate);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other)
            => other is ExtensionInfo info
               && info.Extension.Options.Enabled == Extension.Options.Enabled
               && info.Extension.Options.SlowCommandThreshold == Extension.Options.SlowCommandThreshold
               && info.Extension.Options.ExplainFailedCommands == Extension.Options.ExplainFailedCommands
               && info.Extension.RewriteMode == Extension.RewriteMode
               && info.Extension.DisabledRewritesKey == Extension.DisabledRewritesKey
               && info.Extension.Options.InFlightSampleInterval > TimeSpan.Zero == Extension.Options.InFlightSampleInterval > TimeSpan.Zero
               && info.Extension.Options.RepeatedStatementThreshold == Extension.Options.RepeatedStatementThreshold
               && info.Extension.Options.BaselineSampleRate.Equals(Extension.Options.BaselineSampleRate);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
            debugInfo["QueryWatch:Enabled"] = Extension.Options.Enabled.ToString(CultureInfo.InvariantCulture);
            debugInfo["QueryWatch:SlowCommandThreshold"] = Extension.Options.SlowCommandThreshold.ToString("c", CultureInfo.InvariantCulture);
            debugInfo["QueryWatch:ExplainFailedCommands"] = Extension.Options.ExplainFailedCommands.ToString(CultureInfo.InvariantCulture);
            debugInfo["QueryWatch:Rewrites:Mode"] = Extension.RewriteMode.ToString();
            debugInfo["QueryWatch:Rewrites:DisabledRewrites"] = Extension.DisabledRewritesKey;
            debugInfo["QueryWatch:RepeatedStatementThreshold"] = Extension.Options.RepeatedStatementThreshold.ToString(CultureInfo.InvariantCulture);
            debugInfo["QueryWatch:BaselineSampleRate"] = Extension.Options.BaselineSampleRate.ToString(CultureInfo.InvariantCulture);
        }
    }
}
