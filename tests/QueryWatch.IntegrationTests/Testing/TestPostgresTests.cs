using Npgsql;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Testing;

public sealed class TestPostgresTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shared_cluster_answers_select_version()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT version()", connection);
        var version = (string?)await command.ExecuteScalarAsync(Ct);

        Assert.StartsWith("PostgreSQL " + postgres.Server.ServerVersion.Major, version);
    }

    [Fact]
    public async Task Created_database_is_the_one_its_connection_string_opens()
    {
        var cs = await postgres.Server.CreateDatabaseAsync("testpostgres_created", Ct);

        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal("testpostgres_created", await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Private_cluster_listens_on_loopback_with_the_settings_asked_for()
    {
        SkipWithoutBinaries();
        var options = new TestPostgresOptions { ExternalConnectionString = null };
        options.ServerSettings["work_mem"] = "1234kB";
        await using var server = await TestPostgres.StartAsync(options, Ct);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal("1234kB", await Scalar(connection, "SHOW work_mem"));
        Assert.Equal("127.0.0.1", await Scalar(connection, "SHOW listen_addresses"));
        Assert.Equal("off", await Scalar(connection, "SHOW fsync"));
        Assert.False(server.IsExternal);
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_removes_its_directory()
    {
        SkipWithoutBinaries();
        var server = await TestPostgres.StartAsync(new TestPostgresOptions { ExternalConnectionString = null }, Ct);
        var directory = Path.GetDirectoryName(server.DataDirectory)!;
        var postmasterPid = int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First());
        Assert.True(Directory.Exists(directory));

        server.Dispose();

        Assert.False(Directory.Exists(directory));
        Assert.False(IsRunning(postmasterPid), "the postmaster still runs");
        await using var connection = new NpgsqlConnection(server.ConnectionString + ";Timeout=3;Pooling=false");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync(Ct));
    }

    [Fact]
    public async Task Missing_binaries_fail_with_one_line_that_says_how_to_install_them()
    {
        var empty = Directory.CreateTempSubdirectory("querywatch-empty-bin-");
        try
        {
            var options = new TestPostgresOptions { ExternalConnectionString = null, BinDirectory = empty.FullName };

            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TestPostgres.StartAsync(options, Ct));

            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains("apt-get install postgresql", e.Message);
            Assert.Contains("QUERYWATCH_TEST_CONNECTION", e.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task External_server_is_used_as_is_and_left_running()
    {
        var options = new TestPostgresOptions { ExternalConnectionString = postgres.ConnectionString };

        var server = await TestPostgres.StartAsync(options, Ct);
        await server.DisposeAsync();

        Assert.True(server.IsExternal);
        Assert.Equal(postgres.Server.Port, server.Port);
        Assert.Equal("", server.DataDirectory);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal(1, await Scalar(connection, "SELECT 1"));
    }

    [Fact]
    public void Stale_cluster_directory_of_a_dead_process_is_swept_and_a_live_ones_kept()
    {
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        var root = Directory.CreateTempSubdirectory("querywatch-sweep-").FullName;
        try
        {
            var stale = Directory.CreateDirectory(Path.Combine(root, $"querywatch-pg-{exited.Id}-deadbeef")).FullName;
            File.WriteAllText(Path.Combine(stale, "postgres.log"), "left behind");
            var live = Directory.CreateDirectory(Path.Combine(root, $"querywatch-pg-{Environment.ProcessId}-cafebabe")).FullName;

            StaleClusterSweeper.Sweep(root);

            Assert.False(Directory.Exists(stale));
            Assert.True(Directory.Exists(live));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    /// <summary>A zombie has exited: PID 1 in a container reaps orphans whenever it gets to it.</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
    }

    /// <summary>With QUERYWATCH_TEST_CONNECTION and no local binaries, a private cluster cannot be tested.</summary>
    private static void SkipWithoutBinaries()
    {
        try
        {
            PostgresBinaries.LocateAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException) when (new TestPostgresOptions().ExternalConnectionString is not null)
        {
            Assert.Skip("no local PostgreSQL binaries; QUERYWATCH_TEST_CONNECTION is used instead");
        }
    }
}
