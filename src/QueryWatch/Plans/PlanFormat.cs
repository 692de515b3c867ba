namespace QueryWatch.Plans;

/// <summary>The EXPLAIN output format a plan was read from.</summary>
internal enum PlanFormat
{
    Json,
    Text,
}
