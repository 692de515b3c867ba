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
        services.AddOptions<QueryWatchOptions>().Bind(configuration);
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

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<QueryWatchOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueryWatchOptions>, QueryWatchOptionsValidator>());
        services.TryAddSingleton<QueryWatchHostLifetime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, QueryWatchHostedService>());
        return services;
    }
}
