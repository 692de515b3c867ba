using System.Text.Json.Serialization;

namespace QueryWatch.Rules;

/// <summary>How urgent a plan finding is. Serialized in lower case (<c>info</c>, <c>warning</c>, <c>critical</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleSeverity>))]
public enum RuleSeverity
{
    /// <summary>Worth knowing; not a problem on its own.</summary>
    [JsonStringEnumMemberName("info")]
    Info,

    /// <summary>The plan does avoidable work that grows with the data.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,

    /// <summary>The plan is the reason the command is slow or timed out.</summary>
    [JsonStringEnumMemberName("critical")]
    Critical,
}
