namespace QueryWatch.Rewrites;

/// <summary>
/// The rewrite settings one interceptor works with, resolved once: the mode in effect in this
/// environment, the disabled ids, and the book of verified rewrites it applies. Shared, immutable
/// but for the book; a captured command carries it to the worker, which fills the book.
/// </summary>
internal sealed class RewriteSettings
{
    private RewriteSettings(RewriteMode mode, IReadOnlySet<string> disabled, IRewriteBook book)
    {
        Mode = mode;
        DisabledRewrites = disabled;
        Book = book;
    }

    /// <summary>The mode in effect: <see cref="RewriteMode.Apply"/> only inside a listed environment.</summary>
    public RewriteMode Mode { get; }

    /// <summary>Ids never to propose (passed to <see cref="DistinctRewriter.TryRewrite"/>).</summary>
    public IReadOnlySet<string> DisabledRewrites { get; }

    /// <summary>The verified rewrites the interceptor applies (empty unless <see cref="Mode"/> is Apply).</summary>
    public IRewriteBook Book { get; }

    /// <summary>Settings for <paramref name="options"/> in the environment named <paramref name="hostEnvironmentName"/> (null: read the process's).</summary>
    public static RewriteSettings Create(RewriteOptions options, string? hostEnvironmentName, IRewriteBook? book = null)
        => new(EffectiveMode(options, hostEnvironmentName), DisabledSet(options), book ?? new InMemoryRewriteBook());

    /// <summary>The mode in effect: Apply outside the listed environments is Suggest.</summary>
    public static RewriteMode EffectiveMode(RewriteOptions options, string? hostEnvironmentName)
    {
        if (options.Mode != RewriteMode.Apply) return options.Mode;
        return RewriteEnvironment.IsListed(options.Environments, hostEnvironmentName) ? RewriteMode.Apply : RewriteMode.Suggest;
    }

    /// <summary>The disabled ids, upper-cased and sorted into one string: what decides whether two contexts may share an interceptor.</summary>
    public static string DisabledKey(RewriteOptions options)
    {
        var ids = new List<string>(DisabledSet(options));
        ids.Sort(StringComparer.Ordinal);
        return string.Join(",", ids);
    }

    private static HashSet<string> DisabledSet(RewriteOptions options)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in options.DisabledRewrites ?? []) set.Add(id.Trim().ToUpperInvariant());
        return set;
    }
}
