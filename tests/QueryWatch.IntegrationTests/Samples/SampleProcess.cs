using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace QueryWatch.IntegrationTests.Samples;

/// <summary>A sample started as the user starts it (dotnet its.dll ...), its output collected line by line.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SampleProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>The built dll of a sample, as the test project's build left it (see the csproj's AssemblyMetadata).</summary>
    public static string DllOf(string sample)
    {
        var path = typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == sample).Value!;
        Assert.True(File.Exists(path), $"{path} is missing: the test project builds the samples first (ProjectReference ReferenceOutputAssembly=false).");
        return Path.GetFullPath(path);
    }

    public static SampleProcess Start(string sample, params string[] arguments)
    {
        var dll = DllOf(sample);
        // The dotnet CLI names its own path to the processes it starts; `dotnet` on PATH otherwise.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var sampleProcess = new SampleProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sampleProcess;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"The sample did not exit within {timeout}. Output:\n{Output}");
        }

        // WaitForExit without a timeout drains the redirected streams.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Polls the output until a line matches, or fails with what the sample printed.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = _lines.FirstOrDefault(match);
            if (found is not null) return found;
            if (_process.HasExited && _lines.FirstOrDefault(match) is null)
                Assert.Fail($"The sample exited ({_process.ExitCode}) without the expected line. Output:\n{Output}");
            Assert.True(DateTime.UtcNow < deadline, $"No expected line within {timeout}. Output:\n{Output}");
            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
