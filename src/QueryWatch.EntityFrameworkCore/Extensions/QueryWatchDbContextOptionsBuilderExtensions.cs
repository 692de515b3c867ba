using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueryWatch;
using QueryWatch.EntityFrameworkCore.Hosting;
using QueryWatch.EntityFrameworkCore.Infrastructure;

// The namespace of DbContextOptionsBuilder, as UseNpgsql: the extension shows up without a using.
namespace Microsoft.EntityFrameworkCore;

/// <summary>QueryWatch's entry point on <see cref="DbContextOptionsBuilder"/>.</summary>
public static class QueryWatchDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Watches this context's commands: a command that is slow (over
    /// <see cref="QueryWatchOptions.SlowCommandThreshold"/>), cancelled or timed out is explained out of band
    /// on a separate connection, and what is wrong with its plan is logged under the <c>QueryWatch</c> category.
    /// </summary>
    /// <remarks>
    /// When <c>services.AddQueryWatch(...)</c> was called, the bound options, the application's logger factory
    /// and the host's lifetime are used; otherwise the defaults and the logger factory EF already has.
    /// Calling it again keeps the earlier settings and applies the new ones on top.
    /// </remarks>
    /// <param name="optionsBuilder">The builder being used to configure the context.</param>
    /// <returns>The same builder, so that further calls can be chained.</returns>
    public static DbContextOptionsBuilder UseQueryWatch(this DbContextOptionsBuilder optionsBuilder)
        => UseQueryWatch(optionsBuilder, static _ => { });

    /// <summary>
    /// Watches this context's commands with options set by <paramref name="configure"/>, applied on top of
    /// the options bound by <c>AddQueryWatch</c> when it was called, or of the defaults.
    /// </summary>
    /// <param name="optionsBuilder">The builder being used to configure the context.</param>
    /// <param name="configure">Sets <see cref="QueryWatchOptions"/> for this context, e.g. <c>o =&gt; o.SlowCommandThreshold = TimeSpan.FromMilliseconds(200)</c>.</param>
    /// <returns>The same builder, so that further calls can be chained.</returns>
    /// <exception cref="InvalidOperationException">When a context is created with invalid options (EF validates them in the context constructor); the message names the property, its value and the fix.</exception>
    public static DbContextOptionsBuilder UseQueryWatch(this DbContextOptionsBuilder optionsBuilder, Action<QueryWatchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        ArgumentNullException.ThrowIfNull(configure);

        var extension = optionsBuilder.Options.FindExtension<QueryWatchOptionsExtension>() ?? CreateExtension(optionsBuilder.Options);
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(extension.WithOptions(configure));
        return optionsBuilder;
    }

    /// <summary>
    /// Watches this context's commands: a command that is slow (over
    /// <see cref="QueryWatchOptions.SlowCommandThreshold"/>), cancelled or timed out is explained out of band
    /// on a separate connection, and what is wrong with its plan is logged under the <c>QueryWatch</c> category.
    /// </summary>
    /// <typeparam name="TContext">The type of context being configured.</typeparam>
    /// <param name="optionsBuilder">The builder being used to configure the context.</param>
    /// <returns>The same builder, so that further calls can be chained.</returns>
    public static DbContextOptionsBuilder<TContext> UseQueryWatch<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseQueryWatch((DbContextOptionsBuilder)optionsBuilder);

    /// <summary>
    /// Watches this context's commands with options set by <paramref name="configure"/>, applied on top of
    /// the options bound by <c>AddQueryWatch</c> when it was called, or of the defaults.
    /// </summary>
    /// <typeparam name="TContext">The type of context being configured.</typeparam>
    /// <param name="optionsBuilder">The builder being used to configure the context.</param>
    /// <param name="configure">Sets <see cref="QueryWatchOptions"/> for this context.</param>
    /// <returns>The same builder, so that further calls can be chained.</returns>
    public static DbContextOptionsBuilder<TContext> UseQueryWatch<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, Action<QueryWatchOptions> configure)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseQueryWatch((DbContextOptionsBuilder)optionsBuilder, configure);

    private static QueryWatchOptionsExtension CreateExtension(DbContextOptions options)
    {
        var core = options.FindExtension<CoreOptionsExtension>();
        var services = core?.ApplicationServiceProvider;
        // AddQueryWatch registered: its bound (and validated) options; otherwise the defaults.
        var bound = services?.GetService<IOptionsMonitor<QueryWatchOptions>>()?.CurrentValue ?? new QueryWatchOptions();
        var loggerFactory = core?.LoggerFactory ?? services?.GetService<ILoggerFactory>();
        // The host's environment decides where Rewrites.Mode = Apply may rewrite; without one, the process's variables.
        var environmentName = services?.GetService<IHostEnvironment>()?.EnvironmentName;
        return new QueryWatchOptionsExtension(bound, loggerFactory, services?.GetService<QueryWatchHostLifetime>(), environmentName);
    }
}
