namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// The last step the issue asks for: seed 000's rewrite (RW001, drop the DISTINCT of an existence check)
/// applied by QueryWatch in a simulated staging environment, with the time before and after.
/// </summary>
/// <remarks>
/// TODO(rewrites-apply): QueryWatchOptions.Rewrites.Mode = RewriteMode.Apply with Environments = ["Staging"]
/// is being built on another branch. When it is in this build, run incident 000's query in a host whose
/// environment is Staging, once before the rewrite is verified and once after, and print both times.
/// </remarks>
internal static class StagingRewriteStep
{
    public static void Run(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("━━ Seed 000's rewrite (RW001) applied in staging");
        output.WriteLine("  rewrites: not available in this build (QueryWatchOptions.Rewrites / RewriteMode.Apply); QueryWatch reports the fix instead of applying it");
    }
}
