namespace QueryWatch.Rewrites;

/// <summary>
/// The opt-in rewrites of DESIGN.md's "Rewrite catalogue" (RW001–RW003: dropping a DISTINCT that
/// cannot change an existence check's answer; RW004: <c>NOT IN (SELECT ...)</c> as <c>NOT EXISTS</c>
/// where the catalog proves both columns NOT NULL). Off by default. Bound from the <c>Rewrites</c> key of
/// the <c>QueryWatch</c> configuration section, e.g. <c>"Rewrites": { "Mode": "Apply" }</c>.
/// </summary>
public sealed class RewriteOptions
{
    /// <summary>
    /// <see cref="RewriteMode.Off"/> (default), <see cref="RewriteMode.Suggest"/> (log the rewritten SQL of a
    /// captured command) or <see cref="RewriteMode.Apply"/> (send verified rewrites, only in <see cref="Environments"/>).
    /// </summary>
    public RewriteMode Mode { get; set; }

    /// <summary>
    /// The environments where <see cref="RewriteMode.Apply"/> sends rewrites, compared without regard to case with the
    /// host's <c>IHostEnvironment.EnvironmentName</c> when <c>AddQueryWatch</c> is used, otherwise with
    /// <c>DOTNET_ENVIRONMENT</c> and <c>ASPNETCORE_ENVIRONMENT</c> (each one that is set must be listed; neither set
    /// means <c>Production</c>, as for a host). Elsewhere <c>Apply</c> behaves as <c>Suggest</c>. Default: <c>Staging</c>.
    /// A list bound from configuration by <c>AddQueryWatch</c> replaces the default rather than adding to it.
    /// </summary>
    public IList<string> Environments { get; set; } = new List<string> { "Staging" };

    /// <summary>Rewrite ids (<c>RW001</c>, <c>RW002</c>, <c>RW003</c>, <c>RW004</c>) never to propose or apply. Default: empty.</summary>
    public IList<string> DisabledRewrites { get; set; } = new List<string>();

    /// <summary>A copy that later changes to this instance (its lists included) do not affect.</summary>
    internal RewriteOptions Clone() => new()
    {
        Mode = Mode,
        Environments = new List<string>(Environments ?? []),
        DisabledRewrites = new List<string>(DisabledRewrites ?? []),
    };
}
