namespace QueryWatch.Rules;

/// <summary>What a finding rests on (the <c>Basis</c> event property, the CLI's <c>"basis"</c>).</summary>
internal enum FindingBasis
{
    /// <summary>EXPLAIN ANALYZE: actual rows, loops and times.</summary>
    Measured,

    /// <summary>The plan's estimates alone.</summary>
    Estimated,

    /// <summary>Estimates weighed against the command's own duration, or live samples taken while it ran.</summary>
    Observed,

    /// <summary>A bounded, read-only probe measured the figure the finding rests on.</summary>
    Probed,
}
