using System.Text;

namespace QueryWatch.Plans.Text;

/// <summary>
/// Builds one plan from the lines under its root. Indentation is depth: a stack of open nodes by
/// the column their name starts in finds each line's owner, so depth costs no recursion and every
/// line is pushed and popped at most once (linear in the input).
/// Layout per explain.c ExplainNode: a child's <c>-&gt;</c> sits two columns right of its parent's
/// name, its details two columns right of its own name; <c>SubPlan n</c>/<c>InitPlan n</c>/<c>CTE x</c>
/// sit at the parent's detail column and label the next child.
/// </summary>
internal sealed partial class PlanTreeBuilder
{
    private sealed class Frame(PlanNode node, int nameColumn)
    {
        public PlanNode Node { get; } = node;
        public int NameColumn { get; } = nameColumn;
        public int PlainChildren { get; set; }
    }

    private enum Block { None, Planning, Jit }

    private readonly List<Frame> _stack = [];
    private readonly List<KeyValuePair<string, string>> _scratch = [];
    private readonly StringBuilder _pending = new();
    private readonly int _rootColumn;
    private Plan? _plan;

    private int _pendingColumn = -1;
    private int _pendingLine;
    private int _pendingBalance;
    private bool _pendingInQuote;

    private (string Name, string Relationship)? _label;
    private (WorkerDetail Worker, int Column, PlanNode Owner)? _worker;
    private (Dictionary<string, string> Properties, int Column)? _target;
    private Block _block;

    private PlanTreeBuilder(int rootColumn) => _rootColumn = rootColumn;

    /// <summary>
    /// Reads the plan whose root line is <paramref name="start"/> (its name at <paramref name="rootColumn"/>);
    /// <paramref name="next"/> is the first line that is not part of it.
    /// </summary>
    public static Plan Build(string[] lines, int start, int rootColumn, out int next)
    {
        var builder = new PlanTreeBuilder(rootColumn);
        next = builder.Run(lines, start);
        return builder._plan!;
    }

    private int Run(string[] lines, int start)
    {
        var i = start;
        while (i < lines.Length)
        {
            var kind = PasteLine.Clean(lines[i], out var text);
            if (kind == PasteLineKind.Footer) { Flush(); FlushTargets(); return i + 1; }
            if (kind == PasteLineKind.Record) { i++; continue; }
            if (kind is PasteLineKind.Header or PasteLineKind.Rule) break;
            if (kind == PasteLineKind.Blank)
            {
                var k = i + 1;
                while (k < lines.Length && PasteLine.Clean(lines[k], out _) is PasteLineKind.Blank or PasteLineKind.Record) k++;
                if (k < lines.Length && PasteLine.Clean(lines[k], out var after) == PasteLineKind.Content && ContinuesAfterBlank(after))
                {
                    i = k;
                    continue;
                }
                Flush();
                FlushTargets();
                return i + 1;
            }

            var column = TextSyntax.Indent(text);
            if (_pendingColumn >= 0 && IsContinuation(column, text))
            {
                Append(column, text);
                i++;
                continue;
            }
            Flush();
            if (i > start && (column < _rootColumn || (column == _rootColumn && !IsTopLevelKey(text.AsSpan(column))))) break;
            Begin(column, text, i + 1);
            i++;
        }
        Flush();
        FlushTargets();
        return i;
    }

    private bool ContinuesAfterBlank(string text)
    {
        var column = TextSyntax.Indent(text);
        var body = text.AsSpan(column);
        if (column == _rootColumn) return IsTopLevelKey(body);
        return column > _rootColumn && (PlanLocator.IsPlanLine(body) || _pendingBalance > 0 || _pendingInQuote);
    }

    // A logical line goes on when its parentheses or quotes are still open, or when a browser split
    // it and the rest landed left of the plan (seed 003's wrapped Output lines).
    private bool IsContinuation(int column, string text)
    {
        var body = text.AsSpan(column);
        if (body.StartsWith("->", StringComparison.Ordinal)) return false;
        if (_pendingBalance > 0 || _pendingInQuote) return true;
        return column < _rootColumn && _pendingColumn > _rootColumn;
    }

    private void Begin(int column, string text, int lineNumber)
    {
        _pending.Clear();
        _pending.Append(text, column, text.Length - column);
        _pendingColumn = column;
        _pendingLine = lineNumber;
        _pendingInQuote = false;
        _pendingBalance = TextSyntax.ParenBalance(text.AsSpan(column), ref _pendingInQuote);
    }

    private void Append(int column, string text)
    {
        // A line split mid-word by a browser restarts at column 0; an indented one was split at a space.
        var piece = column == 0 ? text.AsSpan() : text.AsSpan(column);
        if (column > 0) _pending.Append(' ');
        _pending.Append(piece);
        _pendingBalance += TextSyntax.ParenBalance(piece, ref _pendingInQuote);
    }

    private void Flush()
    {
        if (_pendingColumn < 0) return;
        var column = _pendingColumn;
        _pendingColumn = -1;
        var text = _pending.ToString();
        if (_plan is null) StartRoot(text, column);
        else if (column <= _rootColumn) TopLevel(text);
        else Detail(text, column);
    }

    private void StartRoot(string text, int column)
    {
        var body = text.AsSpan();
        var nameColumn = column;
        if (body.StartsWith("->", StringComparison.Ordinal))
        {
            var skip = 2 + TextSyntax.Indent(body[2..]);
            body = body[skip..];
            nameColumn += skip;
        }
        var root = ParseNode(body);
        _plan = new Plan(root, PlanFormat.Text);
        _stack.Add(new Frame(root, Math.Max(nameColumn, _rootColumn)));
    }

    private PlanNode ParseNode(ReadOnlySpan<char> body) =>
        NodeLineParser.TryParse(body, out var error) ?? throw new PlanParseException(error ?? "unreadable node line", _pendingLine);

    private void Detail(string text, int column)
    {
        var body = text.AsSpan();
        if (body.StartsWith("->", StringComparison.Ordinal))
        {
            _block = Block.None;
            _worker = null;
            FlushTargets();
            var skip = 2 + TextSyntax.Indent(body[2..]);
            AddNode(ParseNode(body[skip..]), column + skip);
            return;
        }
        if (_block != Block.None)
        {
            BlockDetail(body);
            return;
        }
        if (_worker is { } w && column > w.Column)
        {
            var (key, value) = SplitKey(body) ?? throw Unreadable(body);
            DetailApplier.ApplyToWorker(w.Worker, w.Owner.NodeType, key, value, _scratch);
            return;
        }
        if (_target is { } target && column > target.Column)
        {
            var (key, value) = SplitKey(body) ?? throw Unreadable(body);
            target.Properties[key] = value;
            return;
        }
        _target = null;
        _worker = null;
        if (TryTarget(body, column)) return;
        if (TryLabel(body, column)) return;
        var owner = Owner(column);
        if (TryWorker(body, column, owner)) return;
        var pair = SplitKey(body) ?? throw Unreadable(body);
        DetailApplier.ApplyToNode(owner, pair.Key, pair.Value, _scratch);
    }

    private PlanParseException Unreadable(ReadOnlySpan<char> body) =>
        new($"not a plan node or detail: '{NodeLineParser.Clip(body)}'", _pendingLine);

    private void AddNode(PlanNode node, int nameColumn)
    {
        var parent = Owner(nameColumn);
        var frame = _stack[^1];
        if (_label is { } label)
        {
            node.ParentRelationship = label.Relationship;
            node.SubplanName = label.Name;
            _label = null;
        }
        else
        {
            // Parent Relationship as JSON prints it (explain.c: "Member" for Append-like lists, "Subquery" for Subquery Scan).
            node.ParentRelationship = parent.NodeType switch
            {
                "Append" or "Merge Append" or "BitmapAnd" or "BitmapOr" or "Custom Scan" => "Member",
                "Subquery Scan" => "Subquery",
                // PostgreSQL 13 lists a ModifyTable's subplans, one per result relation, as members;
                // 14 and later give it one child, its Outer.
                "ModifyTable" when frame.PlainChildren > 0 => "Member",
                _ => frame.PlainChildren++ == 0 ? "Outer" : "Inner",
            };
            if (node.ParentRelationship == "Member" && parent.NodeType == "ModifyTable")
            {
                foreach (var sibling in parent.Children)
                {
                    if (sibling.ParentRelationship == "Outer") sibling.ParentRelationship = "Member";
                }
            }
        }
        parent.AddChild(node);
        _stack.Add(new Frame(node, nameColumn));
    }

    /// <summary>The node a line at <paramref name="column"/> belongs to: the deepest open node named left of it.</summary>
    private PlanNode Owner(int column)
    {
        // Details never follow children in TEXT output, so closed nodes can be dropped for good.
        while (_stack.Count > 1 && _stack[^1].NameColumn >= column) _stack.RemoveAt(_stack.Count - 1);
        return _stack[^1].Node;
    }

    /// <summary>
    /// A ModifyTable's line per result relation when it names more than one or another than the
    /// statement's (explain.c show_modifytable_info: <c>Update on p_1</c>, <c>Foreign Delete on f_remote f_2</c>);
    /// JSON lists them as "Target Tables".
    /// </summary>
    internal static bool IsTargetLine(ReadOnlySpan<char> body)
    {
        if (body.StartsWith("Foreign ", StringComparison.Ordinal)) body = body[8..];
        return (body.StartsWith("Insert on ", StringComparison.Ordinal) || body.StartsWith("Update on ", StringComparison.Ordinal)
            || body.StartsWith("Delete on ", StringComparison.Ordinal) || body.StartsWith("Merge on ", StringComparison.Ordinal))
            && !NodeLineParser.HasFigures(body) && body.IndexOf(": ", StringComparison.Ordinal) < 0;
    }

    private readonly List<Dictionary<string, string>> _targets = [];
    private PlanNode? _targetOwner;

    private bool TryTarget(ReadOnlySpan<char> body, int column)
    {
        if (!IsTargetLine(body)) return false;
        var owner = Owner(column);
        if (owner.NodeType != "ModifyTable") return false;
        if (_targetOwner != owner) FlushTargets();
        _targetOwner = owner;
        var on = body.IndexOf(" on ", StringComparison.Ordinal);
        var names = TextSyntax.SplitIdentifiers(body[(on + 4)..]);
        var (schema, relation) = TextSyntax.SplitQualified(names[0]);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["Relation Name"] = relation };
        if (schema is not null) properties["Schema"] = schema;
        properties["Alias"] = names.Count > 1 ? TextSyntax.Unquote(names[1]) : relation;
        _targets.Add(properties);
        _target = (properties, column);
        return true;
    }

    // Written when the ModifyTable's first child starts: its target lines are all above it.
    private void FlushTargets()
    {
        _target = null;
        if (_targetOwner is null) return;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var t in _targets)
            {
                writer.WriteStartObject();
                foreach (var (key, value) in t) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        _targetOwner.Extra["Target Tables"] = Encoding.UTF8.GetString(buffer.WrittenSpan);
        _targets.Clear();
        _targetOwner = null;
    }

    private bool TryLabel(ReadOnlySpan<char> body, int column)
    {
        string? relationship = null;
        if (StartsWithNumbered(body, "SubPlan ")) relationship = "SubPlan";
        else if (StartsWithNumbered(body, "InitPlan ")) relationship = "InitPlan";
        // JSON prints a CTE as an InitPlan named "CTE name".
        else if (body.StartsWith("CTE ", StringComparison.Ordinal) && body.IndexOf(": ", StringComparison.Ordinal) < 0) relationship = "InitPlan";
        if (relationship is null) return false;
        Owner(column);
        _label = (body.ToString(), relationship);
        return true;
    }

    private static bool StartsWithNumbered(ReadOnlySpan<char> body, string prefix) =>
        body.StartsWith(prefix, StringComparison.Ordinal) && body.Length > prefix.Length && char.IsAsciiDigit(body[prefix.Length])
        && body.IndexOf(": ", StringComparison.Ordinal) < 0;

    private bool TryWorker(ReadOnlySpan<char> body, int column, PlanNode owner)
    {
        if (!body.StartsWith("Worker ", StringComparison.Ordinal)) return false;
        var colon = body.IndexOf(':');
        if (colon < 8 || !int.TryParse(body[7..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return false;
        WorkerDetail? worker = null;
        foreach (var existing in owner.Workers)
        {
            if (existing.WorkerNumber == number) worker = existing;
        }
        if (worker is null)
        {
            worker = new WorkerDetail { WorkerNumber = number };
            owner.Workers.Add(worker);
        }
        _worker = (worker, column, owner);
        var rest = body[(colon + 1)..].Trim();
        if (rest.IsEmpty || DetailApplier.TryWorkerActuals(worker, rest)) return true;
        if (SplitKey(rest) is { } pair) DetailApplier.ApplyToWorker(worker, owner.NodeType, pair.Key, pair.Value, _scratch);
        else worker.Extra[rest.ToString()] = "";
        return true;
    }

    private static (string Key, string Value)? SplitKey(ReadOnlySpan<char> body)
    {
        var colon = body.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 && body.EndsWith(":", StringComparison.Ordinal)) colon = body.Length - 1;
        if (colon <= 0) return null;
        var key = body[..colon];
        if (key.IndexOfAny("()=") >= 0) return null;
        return (key.ToString(), body[(colon + 1)..].Trim().ToString());
    }
}
