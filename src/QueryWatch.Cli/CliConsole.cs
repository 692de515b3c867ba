namespace QueryWatch.Cli;

/// <summary>Where the CLI reads and writes; tests pass their own writers.</summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool Colour);
