using System.Text.Encodings.Web;

namespace QueryWatch.Cli;

/// <summary>How the CLI writes JSON for people and scripts alike.</summary>
internal static class CliJson
{
    /// <summary>
    /// Escapes only what JSON requires: the default encoder's HTML-safe escaping turned node paths
    /// and SQL into <c>Limit \u2192 Unique</c> and <c>\u0027error\u0027</c>. The output goes to a
    /// terminal or a file, never into an HTML page.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
