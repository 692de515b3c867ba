using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace QueryWatch.IntegrationTests.Report;

/// <summary>
/// Debian's Chromium, headless, in a fresh profile, with the DevTools protocol on a loopback port and one page
/// target to drive. Name resolution maps every host to nothing: a page that tried to load anything from outside
/// would fail to, and say so in its Network events, without sending a packet anywhere.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Set to 1 (as .ci/run does) to make a machine without Chromium fail the browser tests instead of skipping them.</summary>
    public const string RequireVariable = "QUERYWATCH_REQUIRE_CHROMIUM";

    private const string InstallHint = "Chromium is not installed: apt-get install --no-install-recommends chromium";

    private readonly Process _process;
    private readonly string _profile;

    private HeadlessChromium(Process process, string profile, DevToolsSession page)
    {
        _process = process;
        _profile = profile;
        Page = page;
    }

    /// <summary>The DevTools session of the browser's one page.</summary>
    public DevToolsSession Page { get; }

    /// <summary>
    /// The browser's path, or skips the test with one line saying how to install it (fails instead when
    /// <see cref="RequireVariable"/>=1).
    /// </summary>
    public static string FindOrSkip()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("QUERYWATCH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") Assert.Fail($"{InstallHint}; {RequireVariable}=1 requires it");
        Assert.Skip($"{InstallHint}; set {RequireVariable}=1 to fail instead of skip");
        return "";
    }

    public static async Task<HeadlessChromium> StartAsync(string executable, int width, int height, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("querywatch-chromium-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                     "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", "--force-device-scale-factor=1",
                     $"--window-size={width},{height}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     "--user-data-dir=" + profile, "about:blank",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        // Its chatter (D-Bus, fonts) is drained so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await ReadPortAsync(profile, process, ct);
            var page = await ConnectToPageAsync(port, ct);
            return new HeadlessChromium(process, profile, page);
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    /// <summary>Chromium writes the port it chose into DevToolsActivePort in its profile once it listens.</summary>
    private static async Task<int> ReadPortAsync(string profile, Process process, CancellationToken ct)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"chromium exited with {process.ExitCode} before listening");
            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file, ct);
                if (lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) return port;
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException("chromium did not open its DevTools port within 60 s");
    }

    private static async Task<DevToolsSession> ConnectToPageAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", ct));
            foreach (var target in targets.RootElement.EnumerateArray())
            {
                if (target.GetProperty("type").GetString() == "page" && target.TryGetProperty("webSocketDebuggerUrl", out var url))
                    return await DevToolsSession.ConnectAsync(new Uri(url.GetString()!), ct);
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium listed no page target within 30 s");
            await Task.Delay(100, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Page.DisposeAsync();
        Stop(_process, _profile);
    }

    private static void Stop(Process process, string profile)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
