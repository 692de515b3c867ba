namespace QueryWatch.Samples.Incidents.Seed003;

/// <summary>A CI job artifact with its expiry date.</summary>
internal sealed class Artifact
{
    public long Id { get; set; }

    public long PipelineId { get; set; }

    public DateTime ExpireAt { get; set; }
}
