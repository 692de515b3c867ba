namespace QueryWatch.Cli;

/// <summary>The process exit codes DESIGN.md promises to scripts.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary><c>--fail-on</c> was met: a finding at or above that severity.</summary>
    public const int FindingsAtThreshold = 1;

    /// <summary>The input could not be read as a plan (or SQL file), or the command line was wrong.</summary>
    public const int UnreadableInput = 2;

    /// <summary><c>diff</c>: the two plans have different shapes (the plan changed).</summary>
    public const int ShapesDiffer = 1;
}
