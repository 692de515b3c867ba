using System.Diagnostics;
using System.Text;

namespace QueryWatch.Testing;

/// <summary>Runs the PostgreSQL programs, as the <c>postgres</c> OS user when this process is root.</summary>
internal static class ProcessRunner
{
    internal const string PostgresUser = "postgres";

    /// <summary>
    /// initdb and pg_ctl refuse to run as root ("cannot be run as root"), and the cluster's files must
    /// belong to the user that runs the server; as root everything runs as <c>postgres</c>.
    /// </summary>
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
        ? Environment.UserName == "root"
        : false;

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IReadOnlyList<string> arguments, bool asPostgresUser, TimeSpan timeout, CancellationToken ct)
    {
        var info = CreateStartInfo(program, arguments, asPostgresUser && IsRoot);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>A start info for <paramref name="program"/>, wrapped in <c>runuser</c> (or <c>su</c>) when it must run as postgres.</summary>
    public static ProcessStartInfo CreateStartInfo(string program, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        ProcessStartInfo info;
        if (!asPostgresUser)
        {
            info = new ProcessStartInfo(program);
            foreach (var a in arguments) info.ArgumentList.Add(a);
        }
        else if (FindRunuser() is { } runuser)
        {
            info = new ProcessStartInfo(runuser);
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(PostgresUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
            foreach (var a in arguments) info.ArgumentList.Add(a);
        }
        else
        {
            info = new ProcessStartInfo("su");
            info.ArgumentList.Add(PostgresUser);
            info.ArgumentList.Add("-s");
            info.ArgumentList.Add("/bin/sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(string.Join(' ', new[] { program }.Concat(arguments).Select(ShellQuote)));
        }
        info.UseShellExecute = false;
        // The cluster is created with --locale=C; the programs' own messages stay in English for the error text.
        info.Environment["LC_ALL"] = "C";
        info.Environment.Remove("PGDATA");
        info.Environment.Remove("PGPORT");
        info.Environment.Remove("PGHOST");
        return info;
    }

    internal static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string? FindRunuser()
    {
        foreach (var candidate in new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" })
            if (File.Exists(candidate)) return candidate;
        return PostgresBinaries.FindOnPath("runuser");
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }
}
