using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryWatch;
using QueryWatch.EntityFrameworkCore.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers QueryWatch's options and its hosted explain worker in the application's services.</summary>
public static class QueryWatchServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="QueryWatchOptions"/> from <paramref name="configuration"/> (pass
    /// <c>configuration.GetSection("QueryWatch")</c>), validates them when the host starts, and stops the
    /// explain workers with the host. <c>UseQueryWatch()</c> then uses these options and the application's
    /// logger factory.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The <c>QueryWatch</c> configuration section.</param>
    /// <returns>The same services, so that further calls can be chained.</returns>
    public static IServiceCollection AddQueryWatch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<QueryWatchOptions>().Bind(configuration).Configure(options => ReplaceLists(options, configuration));
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="QueryWatchOptions"/> set by <paramref name="configure"/>, validated when the host
    /// starts, and stops the explain workers with the host.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same services, so that further calls can be chained.</returns>
    public static IServiceCollection AddQueryWatch(this IServiceCollection services, Action<QueryWatchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<QueryWatchOptions>().Configure(configure);
        return AddCore(services);
    }

    // The configuration binder adds a bound list's items to the list already there, so the default
    // Rewrites.Environments ("Staging") would survive "Environments": ["Test"]. A configured list replaces it.
    private static void ReplaceLists(QueryWatchOptions options, IConfiguration configuration)
    {
        if (ListOf(configuration.GetSection("Rewrites:Environments")) is { } environments) options.Rewrites.Environments = environments;
        if (ListOf(configuration.GetSection("Rewrites:DisabledRewrites")) is { } disabled) options.Rewrites.DisabledRewrites = disabled;
    }

    /// <summary>An array section's items, or a single value split at commas (<c>QueryWatch__Rewrites__Environments=Staging,Test</c>); null when absent.</summary>
    private static List<string>? ListOf(IConfigurationSection section)
    {
        if (!section.Exists()) return null;
        if (section.Value is { } value) return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var items = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (child.Value is { } item) items.Add(item);
        }

        return items;
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<QueryWatchOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueryWatchOptions>, QueryWatchOptionsValidator>());
        services.TryAddSingleton<QueryWatchHostLifetime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, QueryWatchHostedService>());
        return services;
    }
}
