namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// What one incident's run showed: the rules QueryWatch logged, the expected ones it did not, and the expected
/// ones it did not log for the incident's query cancelled by statement_timeout (as it was in production).
/// </summary>
internal sealed record IncidentOutcome(Incident Incident, string ConnectionString, IReadOnlyList<string> LoggedRules, IReadOnlyList<string> MissingRules,
    IReadOnlyList<string> MissingWhenCancelled)
{
    public bool Caught => MissingRules.Count == 0 && MissingWhenCancelled.Count == 0;
}
