using System.Globalization;

namespace QueryWatch.Testing;

/// <summary>
/// Removes clusters left behind by test processes that died without cleaning up (SIGKILL of the
/// whole process group takes the watchdog with it). A cluster directory is named
/// <c>querywatch-pg-&lt;owner pid&gt;-&lt;random&gt;</c>; it is stale once its owner is gone, and only then touched,
/// so clusters of other test runs on the same machine are left alone.
/// </summary>
internal static class StaleClusterSweeper
{
    internal const string DirectoryPrefix = "querywatch-pg-";

    public static void Sweep(string tempRoot)
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(tempRoot, DirectoryPrefix + "*"))
            {
                if (OwnerPid(dir) is not { } owner || IsAlive(owner)) continue;
                TryRemove(dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Sweeping is a courtesy: it must never stop a test run from starting its own cluster.
        }
    }

    internal static int? OwnerPid(string dir)
    {
        var name = Path.GetFileName(dir.AsSpan());
        if (!name.StartsWith(DirectoryPrefix, StringComparison.Ordinal)) return null;
        var rest = name[DirectoryPrefix.Length..];
        var dash = rest.IndexOf('-');
        if (dash <= 0) return null;
        return int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static void TryRemove(string dir)
    {
        try
        {
            var pidFile = Path.Combine(dir, "data", "postmaster.pid");
            if (File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster)
                && IsPostgres(postmaster))
            {
                StopPostmaster(postmaster, pidFile);
            }
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException
                                       or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static void StopPostmaster(int pid, string pidFile)
    {
        // SIGQUIT is PostgreSQL's immediate shutdown: children are told to quit and shared memory is released.
        // https://www.postgresql.org/docs/current/server-shutdown.html
        using (var kill = System.Diagnostics.Process.Start("kill", ["-QUIT", pid.ToString(CultureInfo.InvariantCulture)]))
            kill.WaitForExit(5000);
        for (var i = 0; i < 100 && File.Exists(pidFile) && IsAlive(pid); i++) Thread.Sleep(50);
    }

    private static bool IsAlive(int pid)
    {
        if (Directory.Exists("/proc/self")) return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Guards against a recycled pid: only a process that is a PostgreSQL server gets the signal.</summary>
    private static bool IsPostgres(int pid)
    {
        if (!IsAlive(pid)) return false;
        var cmdline = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline";
        if (!File.Exists(cmdline)) return true;
        try
        {
            return File.ReadAllText(cmdline).Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
