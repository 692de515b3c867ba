using QueryWatch.Explain.Store;
using Xunit;

namespace QueryWatch.Tests.Store;

/// <summary>Schema querywatch is versioned, and the script a DBA runs is the one the worker and store init apply.</summary>
public sealed class StoreSchemaTests
{
    [Fact]
    public void Checked_in_docs_store_sql_is_what_store_init_print_prints()
    {
        var checkedIn = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "store.sql")).ReplaceLineEndings("\n");

        Assert.True(checkedIn == StoreSchema.Script(), "docs/store.sql is stale: regenerate it with `querywatch store init --print > docs/store.sql`.");
    }

    [Fact]
    public void Migrations_are_numbered_from_one_without_gaps_and_each_is_recorded_by_the_script()
    {
        var script = StoreSchema.Script();

        for (var i = 0; i < StoreSchema.Migrations.Count; i++)
        {
            Assert.Equal(i + 1, StoreSchema.Migrations[i].Version);
            Assert.Contains($"WHERE version = {i + 1}) THEN", script, StringComparison.Ordinal);
        }
        Assert.Equal(StoreSchema.Migrations.Count, StoreSchema.CurrentVersion);
        foreach (var table in new[] { "explain_claims", "captures", "findings", "plans" })
            Assert.Contains("CREATE TABLE querywatch." + table + " (", script, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QueryWatch.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("QueryWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
