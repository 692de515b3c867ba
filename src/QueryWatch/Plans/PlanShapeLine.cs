namespace QueryWatch.Plans;

/// <summary>One node of a plan's shape: its depth (root 0), its line, and the node it reads.</summary>
internal readonly record struct PlanShapeLine(int Depth, string Text, PlanNode Node);
