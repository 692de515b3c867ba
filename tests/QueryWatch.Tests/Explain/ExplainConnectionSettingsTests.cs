using Npgsql;
using QueryWatch.Explain;

using Xunit;

namespace QueryWatch.Tests.Explain;

public sealed class ExplainConnectionSettingsTests
{
    [Fact]
    public void Worker_timeouts_replace_the_applications_own()
    {
        var app = "Host=db;Username=app;Command Timeout=0;Timeout=0;Cancellation Timeout=0;Keepalive=0;Tcp Keepalive=false;No Reset On Close=true";

        var worker = new NpgsqlConnectionStringBuilder(ExplainConnectionSettings.For(app, TimeSpan.FromMilliseconds(5500)));

        Assert.Equal(6 + ExplainConnectionSettings.CommandTimeoutMarginSeconds, worker.CommandTimeout);
        Assert.Equal(ExplainConnectionSettings.ConnectTimeoutSeconds, worker.Timeout);
        Assert.Equal(ExplainConnectionSettings.CancellationTimeoutMilliseconds, worker.CancellationTimeout);
        Assert.Equal(ExplainConnectionSettings.KeepAliveSeconds, worker.KeepAlive);
        Assert.True(worker.TcpKeepAlive);
        Assert.False(worker.NoResetOnClose);
        Assert.Equal("QueryWatch explain", worker.ApplicationName);
        Assert.Equal("db", worker.Host);
    }
}
