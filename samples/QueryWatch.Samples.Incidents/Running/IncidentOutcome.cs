namespace QueryWatch.Samples.Incidents.Running;

/// <summary>What one incident's run showed: the rules QueryWatch logged, and the expected ones it did not.</summary>
internal sealed record IncidentOutcome(Incident Incident, string ConnectionString, IReadOnlyList<string> LoggedRules, IReadOnlyList<string> MissingRules)
{
    public bool Caught => MissingRules.Count == 0;
}
