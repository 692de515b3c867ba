using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Testing;

/// <summary>Changes a process-wide environment variable, so it runs alone, after the parallel tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(typeof(EnvironmentCollection))]
public sealed class TestPostgresEnvironmentTests(PostgresFixture postgres)
{
    [Fact]
    public async Task QUERYWATCH_TEST_CONNECTION_names_the_server_to_use()
    {
        var saved = Environment.GetEnvironmentVariable(TestPostgresOptions.ConnectionEnvironmentVariable);
        Environment.SetEnvironmentVariable(TestPostgresOptions.ConnectionEnvironmentVariable, postgres.ConnectionString);
        try
        {
            await using var server = await TestPostgres.StartAsync(ct: TestContext.Current.CancellationToken);

            Assert.True(server.IsExternal);
            Assert.Equal(postgres.ConnectionString, server.ConnectionString);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TestPostgresOptions.ConnectionEnvironmentVariable, saved);
        }
    }
}
