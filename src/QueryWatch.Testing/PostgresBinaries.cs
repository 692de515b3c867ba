namespace QueryWatch.Testing;

/// <summary>Finds the directory holding the PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>).</summary>
internal static class PostgresBinaries
{
    internal const string InstallHint =
        "install them (Debian/Ubuntu: apt-get install postgresql) or set QUERYWATCH_TEST_CONNECTION to the connection string of a server to use";

    /// <summary>The bin directory, or an exception whose message is one line saying how to get one.</summary>
    public static async Task<string> LocateAsync(string? overrideDirectory, CancellationToken ct)
    {
        if (overrideDirectory is not null)
        {
            return HasServerPrograms(overrideDirectory)
                ? overrideDirectory
                : throw new InvalidOperationException(
                    $"PostgreSQL server binaries (initdb, pg_ctl) were not found in {overrideDirectory}; {InstallHint}.");
        }

        // pg_config may come from libpq-dev alone (bindir /usr/bin, no initdb), so its answer is checked like the others.
        if (await PgConfigBinDirectoryAsync(ct).ConfigureAwait(false) is { } fromPgConfig && HasServerPrograms(fromPgConfig))
            return fromPgConfig;

        if (HighestDebianBinDirectory() is { } debian) return debian;

        if (FindOnPath("initdb") is { } initdb && Path.GetDirectoryName(initdb) is { } dir && HasServerPrograms(dir))
            return dir;

        throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found via pg_config --bindir, /usr/lib/postgresql/*/bin or PATH; {InstallHint}.");
    }

    internal static bool HasServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    internal static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path)) return null;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static async Task<string?> PgConfigBinDirectoryAsync(CancellationToken ct)
    {
        var pgConfig = FindOnPath("pg_config");
        if (pgConfig is null) return null;
        try
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], asPostgresUser: false, TimeSpan.FromSeconds(10), ct)
                .ConfigureAwait(false);
            return result.ExitCode == 0 ? result.Output.Trim() : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Debian and Ubuntu install each major version side by side under /usr/lib/postgresql/&lt;major&gt;/bin.</summary>
    private static string? HighestDebianBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        string? best = null;
        var bestVersion = -1.0;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (!double.TryParse(Path.GetFileName(dir), System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var version)) continue;
            var bin = Path.Combine(dir, "bin");
            if (version > bestVersion && HasServerPrograms(bin))
            {
                best = bin;
                bestVersion = version;
            }
        }
        return best;
    }
}
