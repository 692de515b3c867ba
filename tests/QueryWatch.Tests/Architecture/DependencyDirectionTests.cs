using Xunit;

namespace QueryWatch.Tests.Architecture;

/// <summary>DESIGN.md's dependency table, held against the code (issue #18 part 4).</summary>
public sealed class DependencyDirectionTests
{
    [Fact]
    public void Every_part_of_the_library_uses_only_what_the_design_table_allows()
    {
        var forbidden = NamespaceDependencies.Forbidden(SourceFiles("src/QueryWatch", file => PartOf("src/QueryWatch", file))).ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void Cli_reaches_the_database_through_Explain_and_never_names_EF_or_Npgsql()
    {
        string[] allowed = ["Sql", "Plans", "Rules", "Explain"];
        var forbidden = SourceFiles("src/QueryWatch.Cli", _ => "Cli")
            .SelectMany(f => NamespaceDependencies.Read("Cli", f.Source).Where(t => !allowed.Contains(t)).Select(t => $"Cli → {t} ({f.Path})"))
            .ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void Rule_naming_Npgsql_or_Explain_is_a_forbidden_arrow()
    {
        const string source = """
            using Npgsql;
            using QueryWatch.Plans;

            namespace QueryWatch.Rules;

            internal sealed class QW999Example
            {
                public object? Verify(NpgsqlDataSource dataSource) => Explain.TableStatisticsReader.ReadAsync(null!, null!);
            }
            """;

        var forbidden = NamespaceDependencies.Forbidden([("Rules", "Rules/QW999Example.cs", source)]).ToList();

        Assert.Equal(["Rules → Explain (Rules/QW999Example.cs)", "Rules → Npgsql (Rules/QW999Example.cs)"], forbidden);
    }

    [Fact]
    public void Plans_reading_EF_or_a_rule_is_a_forbidden_arrow_but_the_same_words_in_comments_strings_and_members_are_not()
    {
        const string source = """
            using Microsoft.EntityFrameworkCore;

            namespace QueryWatch.Plans;

            // QueryWatch.Rules reads this; Npgsql never does.
            internal sealed class Example(Example.Settings options)
            {
                public sealed record Settings(int Rules);
                public string Text => "QueryWatch.Explain and Npgsql";
                public int Count => options.Rules + QueryWatch.Rules.RuleSeverity.Warning.GetHashCode();
            }
            """;

        var forbidden = NamespaceDependencies.Forbidden([("Plans", "Plans/Example.cs", source)]).ToList();

        Assert.Equal(["Plans → EF (Plans/Example.cs)", "Plans → Rules (Plans/Example.cs)"], forbidden);
    }

    /// <summary>The part a file of src/QueryWatch belongs to: its first folder (Plans/Text is Plans), or QueryWatch for the root.</summary>
    private static string PartOf(string root, string file)
    {
        var relative = Path.GetRelativePath(Path.Combine(RepositoryRoot(), root), file);
        var slash = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return slash < 0 ? "QueryWatch" : relative[..slash];
    }

    private static IEnumerable<(string Part, string Path, string Source)> SourceFiles(string root, Func<string, string> part)
    {
        var directory = Path.Combine(RepositoryRoot(), root);
        var files = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        return files.Select(f => (part(f), Path.GetRelativePath(RepositoryRoot(), f), File.ReadAllText(f)));
    }

    // Walks up from the test's output folder: a CI build maps source paths to /_/ (deterministic
    // builds), so [CallerFilePath] does not name a folder that exists there.
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QueryWatch.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("QueryWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
