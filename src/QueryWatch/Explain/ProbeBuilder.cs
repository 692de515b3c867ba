using System.Globalization;
using System.Text;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Builds the one probe that measures a finding's bet over a single table, from the VERBOSE plan's own
/// expressions: for an index walked under a Limit, how many of the first <see cref="ProbeRows"/> rows in
/// the index's order pass the Filter; for a Nested Loop, how many of the first outer rows find an inner
/// row that passes the inner Filter. Pure: no database. Anything it cannot restate safely is refused
/// with a reason, never approximated (issue #11 part 4).
/// </summary>
internal static class ProbeBuilder
{
    /// <summary>How many rows, in the plan's order, a probe reads at most.</summary>
    public const int ProbeRows = 10_000;

    /// <summary>
    /// The rules whose findings rest on such a bet. QW025 (early-stop-bet) reports on the same shapes;
    /// the probe keys on the node's shape, so any of these ids at a Limit, a Nested Loop or their scan qualifies.
    /// </summary>
    public static readonly IReadOnlySet<string> RuleIds = new HashSet<string>(StringComparer.Ordinal) { "QW002", "QW004", "QW014", "QW025" };

    private const string PassedColumn = "querywatch_probe_passed";

    /// <summary>
    /// Finds the bet under <paramref name="finding"/>'s node, or says why there is none to probe: the
    /// statement must be a plain read-only SELECT without a locking clause, the plan lock and write nothing.
    /// </summary>
    public static ProbeTarget? Locate(Finding finding, Plan plan, SqlStatement statement, out ProbeRefusal refusal)
    {
        if (HasLockingClause(statement.Text) || plan.Nodes.Any(n => n.NodeType == "LockRows"))
        {
            refusal = ProbeRefusal.Locking;
            return null;
        }

        if (!statement.IsReadOnlySelect || plan.Nodes.Any(n => n.NodeType == "ModifyTable"))
        {
            refusal = ProbeRefusal.NotReadOnly;
            return null;
        }

        var target = Resolve(finding.Node);
        refusal = target is null ? ProbeRefusal.Shape : ProbeRefusal.None;
        return target;
    }

    /// <summary>
    /// The probe for <paramref name="target"/>; <paramref name="order"/> is the catalog's view of the walked
    /// index (null for a sequential scan). Null, with the reason, when any part cannot be restated safely.
    /// </summary>
    public static BetProbe? Build(ProbeTarget target, ProbeIndexOrder? order, bool hasSubPlans, out ProbeRefusal refusal)
    {
        var found = new Collected();
        var walked = target.Walked;
        if (!TryRelation(walked, out var walkedFrom, out var walkedAlias))
        {
            refusal = ProbeRefusal.Expression;
            return null;
        }

        string[] walkedAliases = [walkedAlias];
        var walkedConditions = new List<string>();
        // The rows the walk reads: its index range (Index Cond) and, for a partial index, the index's predicate.
        if (!AddCondition(walkedConditions, walked.IndexCond, walkedAliases, found, out refusal)) return null;
        var orderBy = "";
        if (target.OrderIndex is not null)
        {
            if (order is null || !order.IsBtree || order.Keys.Count == 0 || order.Keys.Any(k => k.Column is null))
            {
                refusal = ProbeRefusal.IndexOrder;
                return null;
            }

            if (order.Predicate is not null && !AddCondition(walkedConditions, order.Predicate, [], found, out refusal, bareColumns: true)) return null;
            orderBy = " ORDER BY " + OrderBy(walkedAlias, order.Keys, backward: walked.ScanDirection == "Backward");
        }
        else if (walked.NodeType != "Seq Scan")
        {
            refusal = ProbeRefusal.Shape;
            return null;
        }

        string sql;
        IReadOnlyList<string> filterColumns;
        if (target.Shape == BetShape.IndexWalk)
        {
            if (!Accept(walked.Filter, walkedAliases, found, out refusal)) return null;
            filterColumns = Columns(walked.Filter);
            sql = string.Create(CultureInfo.InvariantCulture,
                $"SELECT count(*) FILTER (WHERE probe.{PassedColumn}) AS passed, count(*) AS read FROM (SELECT ({walked.Filter}) AS {PassedColumn} FROM {walkedFrom}{Where(walkedConditions)}{orderBy} LIMIT {ProbeRows}) AS probe");
        }
        else
        {
            // The outer rows the loop receives are those passing the outer scan's own Filter too.
            if (!AddCondition(walkedConditions, walked.Filter, walkedAliases, found, out refusal)) return null;
            var inner = target.Inner!;
            if (!TryRelation(inner, out var innerFrom, out var innerAlias) || innerAlias == walkedAlias)
            {
                refusal = ProbeRefusal.Expression;
                return null;
            }

            string[] both = [innerAlias, walkedAlias];
            var innerConditions = new List<string>();
            if (!AddCondition(innerConditions, inner.IndexCond ?? inner.RecheckCond, both, found, out refusal)
                || !AddCondition(innerConditions, target.Loop?.JoinFilter, both, found, out refusal)) return null;
            if (!Accept(inner.Filter, both, found, out refusal)) return null;
            innerConditions.Add("(" + inner.Filter + ")");
            filterColumns = Columns(inner.Filter);
            var quotedOuter = ProbeExpression.Quote(walkedAlias);
            sql = string.Create(CultureInfo.InvariantCulture,
                $"SELECT count(*) FILTER (WHERE EXISTS (SELECT FROM {innerFrom}{Where(innerConditions)})) AS passed, count(*) AS read FROM (SELECT {quotedOuter}.* FROM {walkedFrom}{Where(walkedConditions)}{orderBy} LIMIT {ProbeRows}) AS {quotedOuter}");
        }

        // PostgreSQL before 16 prints SubPlan and InitPlan outputs as $n too: with any in the plan, a $n is ambiguous.
        if (found.Parameters.Count > 0 && hasSubPlans)
        {
            refusal = ProbeRefusal.Parameter;
            return null;
        }

        refusal = ProbeRefusal.None;
        return new BetProbe(sql, found.Parameters.Count == 0 ? 0 : found.Parameters.Max, target, filterColumns, found.Operators);
    }

    /// <summary>
    /// The captured parameters for <c>$1</c>…<c>$<paramref name="count"/></c> as the server numbered them for
    /// <paramref name="statement"/>: positional placeholders by position, named ones (<c>@p0</c>) in order of
    /// first appearance, as Npgsql rewrites them. Null when one cannot be matched.
    /// </summary>
    public static IReadOnlyList<CapturedParameter>? BindParameters(SqlStatement statement, IReadOnlyList<CapturedParameter> captured, int count)
    {
        if (count == 0) return [];
        var sent = captured.Where(CommandCapture.IsSent).ToList();
        var names = new List<string>();
        var positional = false;
        foreach (var token in SqlLexer.Tokenize(statement.Text))
        {
            if (token.Kind != SqlTokenKind.Parameter) continue;
            var text = statement.Text.AsSpan(token.Start, token.Length);
            if (text[0] == '$') positional = true;
            else if (!names.Contains(text[1..].ToString(), StringComparer.OrdinalIgnoreCase)) names.Add(text[1..].ToString());
        }

        var bound = new List<CapturedParameter>(count);
        for (var k = 1; k <= count; k++)
        {
            CapturedParameter? parameter;
            if (positional) parameter = k <= sent.Count ? sent[k - 1] : null;
            else parameter = k <= names.Count
                ? sent.FirstOrDefault(p => string.Equals(p.Name.TrimStart('@', ':'), names[k - 1], StringComparison.OrdinalIgnoreCase))
                : null;
            if (parameter is null) return null;
            bound.Add(parameter);
        }

        return bound;
    }

    private static ProbeTarget? Resolve(PlanNode node)
    {
        switch (node.NodeType)
        {
            case "Limit":
                var below = NodeFacts.Descend(node, IsPassThrough, n => IsIndexScan(n) || n.NodeType == "Nested Loop");
                if (below is null) return null;
                return below.NodeType == "Nested Loop" ? Loop(below) : Walk(below, node);
            case "Nested Loop":
                return Loop(node);
            case "Index Scan" or "Index Only Scan" when node.Filter is not null:
                for (var up = node.Parent; up is not null; up = up.Parent)
                {
                    if (up.NodeType == "Limit") return Walk(node, up);
                    if (!IsPassThrough(up)) break;
                }
                return InnerOf(node);
            default:
                return NodeFacts.IsScan(node) ? InnerOf(node) : null;
        }
    }

    private static ProbeTarget? Walk(PlanNode scan, PlanNode limit) =>
        scan.Filter is null || !IsIndexScan(scan) ? null : new ProbeTarget(BetShape.IndexWalk, scan, null, null, limit);

    private static ProbeTarget? InnerOf(PlanNode scan)
    {
        var child = scan.Parent is { NodeType: "Materialize" or "Memoize" } wrapper ? wrapper : scan;
        return child.Parent is { NodeType: "Nested Loop" } loop && NodeFacts.Inner(loop) == child ? Loop(loop) : null;
    }

    private static ProbeTarget? Loop(PlanNode loop)
    {
        var outer = NodeFacts.Outer(loop);
        var inner = NodeFacts.Inner(loop);
        if (inner is { NodeType: "Materialize" or "Memoize" } && inner.Children.Count == 1) inner = inner.Children[0];
        if (outer is null || inner is null || inner.Filter is null) return null;
        if (outer.NodeType is not ("Seq Scan" or "Index Scan" or "Index Only Scan")) return null;
        if (inner.NodeType is not ("Seq Scan" or "Index Scan" or "Index Only Scan" or "Bitmap Heap Scan")) return null;
        var limit = loop.Parent;
        while (limit is not null && limit.NodeType != "Limit" && IsPassThrough(limit)) limit = limit.Parent;
        return new ProbeTarget(BetShape.NestedLoop, outer, inner, loop, limit is { NodeType: "Limit" } ? limit : null);
    }

    private static bool IsPassThrough(PlanNode node) => node.NodeType is "Gather Merge" or "Result" or "Subquery Scan" or "Unique" or "Limit";

    private static bool IsIndexScan(PlanNode node) => node.NodeType is "Index Scan" or "Index Only Scan";

    /// <summary><c>ONLY "schema"."table" AS "alias"</c>: the scan reads that one table, not its inheritance children.</summary>
    private static bool TryRelation(PlanNode scan, out string from, out string alias)
    {
        alias = scan.Alias ?? scan.RelationName ?? "";
        // Without VERBOSE, a plan has no Schema and prints columns unqualified: nothing to restate.
        if (scan.Schema is null || scan.RelationName is null || alias.Length == 0)
        {
            from = "";
            return false;
        }

        from = $"ONLY {ProbeExpression.Quote(scan.Schema)}.{ProbeExpression.Quote(scan.RelationName)} AS {ProbeExpression.Quote(alias)}";
        return true;
    }

    private static bool Accept(string? expression, IReadOnlyCollection<string> aliases, Collected found, out ProbeRefusal refusal, bool bareColumns = false)
    {
        refusal = ProbeExpression.Check(expression, aliases, found.Parameters, bareColumns, found.Operators);
        return refusal == ProbeRefusal.None;
    }

    /// <summary>Adds a condition that may be absent; false (with the reason) when it is present and unsafe.</summary>
    private static bool AddCondition(List<string> conditions, string? expression, IReadOnlyCollection<string> aliases, Collected found, out ProbeRefusal refusal, bool bareColumns = false)
    {
        refusal = ProbeRefusal.None;
        if (expression is null) return true;
        if (!Accept(expression, aliases, found, out refusal, bareColumns)) return false;
        conditions.Add("(" + expression + ")");
        return true;
    }

    private static string Where(List<string> conditions) => conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);

    private static string OrderBy(string alias, IReadOnlyList<ProbeIndexKey> keys, bool backward)
    {
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            if (text.Length > 0) text.Append(", ");
            var descending = key.Descending != backward;
            var nullsFirst = key.NullsFirst != backward;
            text.Append(ProbeExpression.Quote(alias)).Append('.').Append(ProbeExpression.Quote(key.Column!))
                .Append(descending ? " DESC" : " ASC").Append(nullsFirst ? " NULLS FIRST" : " NULLS LAST");
        }

        return text.ToString();
    }

    private static IReadOnlyList<string> Columns(string? filter) => PredicateColumns.Read(filter).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE anywhere in the statement.</summary>
    private static bool HasLockingClause(string sql)
    {
        var tokens = SqlLexer.Scan(sql, classifyKeywords: false);
        var afterFor = false;
        while (tokens.MoveNextSignificant())
        {
            var token = tokens.Current;
            var isFor = token.IsWord && SqlKeywords.Is(token.Text(sql), "FOR");
            if (afterFor && token.IsWord)
            {
                var word = token.Text(sql);
                if (SqlKeywords.Is(word, "UPDATE") || SqlKeywords.Is(word, "SHARE") || SqlKeywords.Is(word, "NO") || SqlKeywords.Is(word, "KEY")) return true;
            }

            afterFor = isFor;
        }

        return false;
    }

    /// <summary>What the conditions copied so far use: <c>$n</c> placeholders and operators.</summary>
    private sealed class Collected
    {
        public SortedSet<int> Parameters { get; } = [];
        public SortedSet<string> Operators { get; } = new(StringComparer.Ordinal);
    }
}
