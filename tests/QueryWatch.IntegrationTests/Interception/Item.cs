namespace QueryWatch.IntegrationTests.Interception;

public sealed class Item
{
    public int Id { get; set; }
    public int Category { get; set; }
    public string Name { get; set; } = "";
    public string? Note { get; set; }
}
