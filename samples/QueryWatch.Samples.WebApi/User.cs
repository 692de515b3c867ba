namespace QueryWatch.Samples.WebApi;

/// <summary>A user of the sample API, looked up by e-mail.</summary>
internal sealed class User
{
    public long Id { get; set; }

    public string Email { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
