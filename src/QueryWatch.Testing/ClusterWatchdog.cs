using System.Diagnostics;

namespace QueryWatch.Testing;

/// <summary>
/// A small shell process that stops the postmaster and deletes the cluster directory once its
/// standard input closes. We hold the write end of that pipe: it closes when we dispose the
/// cluster, and also when this process dies in any way (crash, SIGKILL, Environment.FailFast),
/// because the kernel closes a dead process's descriptors. .NET opens the pipe close-on-exec, so
/// the postmaster does not inherit it and keep it open.
/// </summary>
internal sealed class ClusterWatchdog : IDisposable
{
    // Ignores the terminal's Ctrl-C (it reaches the whole foreground process group) so it outlives a
    // cancelled `dotnet test`; waits for EOF; sends SIGQUIT (immediate shutdown) and waits for the
    // postmaster to be gone (a zombie counts as gone: PID 1 in a container may never reap it)
    // before removing the directory. https://www.postgresql.org/docs/current/server-shutdown.html
    private const string Script = """
        exec >/dev/null 2>&1
        trap '' INT TERM HUP PIPE
        cat
        pidfile="$1/postmaster.pid"
        if [ -f "$pidfile" ]; then
          pid=$(head -n 1 "$pidfile")
          if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
            i=0
            while kill -0 "$pid" 2>/dev/null && [ "$(cut -d ' ' -f 3 "/proc/$pid/stat" 2>/dev/null)" != Z ] && [ "$i" -lt 200 ]; do
              sleep 0.05; i=$((i+1))
            done
          fi
        fi
        rm -rf "$2"
        """;

    private readonly Process _process;

    private ClusterWatchdog(Process process) => _process = process;

    public static ClusterWatchdog Start(string dataDirectory, string clusterDirectory)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add("querywatch-pg-watchdog");
        info.ArgumentList.Add(dataDirectory);
        info.ArgumentList.Add(clusterDirectory);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /bin/sh for the cluster watchdog.");
        return new ClusterWatchdog(process);
    }

    /// <summary>Triggers the stop and waits for it; true when the watchdog finished in time.</summary>
    public bool StopCluster(TimeSpan timeout)
    {
        try
        {
            _process.StandardInput.Close();
            return _process.WaitForExit(timeout);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public async Task<bool> StopClusterAsync(TimeSpan timeout)
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _process.Dispose();
}
