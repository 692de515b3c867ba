namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// The test classes that read <see cref="LiveRulesDatabase"/>: one collection, so the database is
/// built once per run however many classes use it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LiveRulesCollection : ICollectionFixture<LiveRulesDatabase>
{
    public const string Name = "Live rules database";
}
