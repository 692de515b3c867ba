using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace QueryWatch.IntegrationTests.Report;

/// <summary>
/// A minimal Chrome DevTools protocol client over one WebSocket: commands with ids and their answers, and every
/// event kept in arrival order so a test can read them all afterwards (requests made, exceptions thrown).
/// </summary>
internal sealed class DevToolsSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<(string Method, JsonElement Params)> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    public static async Task<DevToolsSession> ConnectAsync(Uri endpoint, CancellationToken ct)
    {
        var session = new DevToolsSession();
        // Screenshots arrive as one base64 message of several MB.
        session._socket.Options.SetBuffer(1 << 16, 1 << 16);
        await session._socket.ConnectAsync(endpoint, ct);
        session._reader = Task.Run(session.ReadAsync);
        return session;
    }

    /// <summary>Every event received so far with its method name.</summary>
    public IReadOnlyList<(string Method, JsonElement Params)> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    public async Task<JsonElement> SendAsync(string method, object? parameters, TimeSpan timeout, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        return await answer.Task.WaitAsync(timeout, ct);
    }

    /// <summary>Waits until an event named <paramref name="method"/> has arrived (before or after this call).</summary>
    public async Task WaitForEventAsync(string method, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Events.Any(e => e.Method == method))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {method} event within {timeout.TotalSeconds:0} s");
            if (_reader is { IsCompleted: true }) throw new InvalidOperationException($"the DevTools connection closed before {method}");
            await Task.Delay(50, ct);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }
    }

    private void Dispatch(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        var root = document.RootElement.Clone();
        if (root.TryGetProperty("id", out var idElement) && _pending.TryRemove(idElement.GetInt32(), out var answer))
        {
            if (root.TryGetProperty("error", out var error)) answer.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            else answer.TrySetResult(root.GetProperty("result"));
            return;
        }

        if (root.TryGetProperty("method", out var method))
        {
            var parameters = root.TryGetProperty("params", out var p) ? p : default;
            lock (_events) _events.Add((method.GetString()!, parameters));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }
        if (_reader is not null) await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stop.Dispose();
    }
}
