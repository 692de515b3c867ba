namespace QueryWatch.Rewrites;

/// <summary>What QueryWatch does with a statement it knows how to rewrite (docs/rewrites.md, "Modes").</summary>
public enum RewriteMode
{
    /// <summary>Nothing: no rewrite is proposed, logged or sent. The default.</summary>
    Off = 0,

    /// <summary>A captured command whose statement has a rewrite logs the rewritten SQL; the application's commands are never changed.</summary>
    Suggest = 1,

    /// <summary>
    /// In the environments listed in <see cref="RewriteOptions.Environments"/>, a statement shape whose rewrite
    /// the worker has verified out of band is sent rewritten from then on; elsewhere this behaves as <see cref="Suggest"/>.
    /// </summary>
    Apply = 2,
}
