using System.Diagnostics;
using System.Globalization;

namespace QueryWatch.Explain.Store;

/// <summary>
/// The name one application instance writes under in the Store: machine, process id and process start
/// time, which together tell a restarted process from the one before it. A second pipeline in the same
/// process (another database) is a separate instance and gets a sequence number.
/// </summary>
internal static class StoreInstance
{
    private static readonly string s_process = Describe();
    private static int s_sequence;

    public static string Next()
    {
        var n = Interlocked.Increment(ref s_sequence);
        return n == 1 ? s_process : s_process + "#" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static string Describe()
    {
        DateTime started;
        try
        {
            using var process = Process.GetCurrentProcess();
            started = process.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            started = DateTime.UtcNow;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{started:yyyy-MM-ddTHH:mm:ss.fffZ}");
    }
}
