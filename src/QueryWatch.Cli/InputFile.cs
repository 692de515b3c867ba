namespace QueryWatch.Cli;

/// <summary>Reads a FILE argument, where <c>-</c> means standard input.</summary>
internal static class InputFile
{
    /// <summary>The whole text, or null with <paramref name="error"/> set to a one-line reason.</summary>
    public static string? TryRead(string path, TextReader stdin, out string? error)
    {
        error = null;
        try
        {
            return path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"cannot read {(path == "-" ? "standard input" : path)}: {FirstLine(e.Message)}";
            return null;
        }
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
