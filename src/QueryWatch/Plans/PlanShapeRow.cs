namespace QueryWatch.Plans;

/// <summary>One aligned row: the first plan's line, the second's, or both.</summary>
internal readonly record struct PlanShapeRow(PlanShapeChange Kind, PlanShapeLine? Before, PlanShapeLine? After);
