namespace QueryWatch.Rewrites;

/// <summary>Decides whether the running application is in one of <see cref="RewriteOptions.Environments"/>.</summary>
internal static class RewriteEnvironment
{
    // What a .NET host calls an environment nobody named.
    private const string HostDefault = "Production";

    /// <summary>
    /// True when <paramref name="hostEnvironmentName"/> (the host's <c>IHostEnvironment.EnvironmentName</c>) is
    /// listed, or, without a host, when each of <c>DOTNET_ENVIRONMENT</c> and <c>ASPNETCORE_ENVIRONMENT</c>
    /// that is set is listed: a generic host reads the first, a web host lets the second win, and QueryWatch
    /// cannot tell which kind of application it is in, so both must agree before anything is rewritten.
    /// </summary>
    public static bool IsListed(IList<string>? environments, string? hostEnvironmentName)
    {
        if (environments is null || environments.Count == 0) return false;
        if (!string.IsNullOrWhiteSpace(hostEnvironmentName)) return Contains(environments, hostEnvironmentName);

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        var aspnet = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        if (string.IsNullOrWhiteSpace(dotnet) && string.IsNullOrWhiteSpace(aspnet)) return Contains(environments, HostDefault);
        return (string.IsNullOrWhiteSpace(dotnet) || Contains(environments, dotnet))
            && (string.IsNullOrWhiteSpace(aspnet) || Contains(environments, aspnet));
    }

    private static bool Contains(IList<string> environments, string name)
    {
        foreach (var environment in environments)
        {
            if (string.Equals(environment?.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }
}
