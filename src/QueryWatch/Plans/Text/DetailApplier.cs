using System.Globalization;

namespace QueryWatch.Plans.Text;

/// <summary>Applies the JSON-named pairs <see cref="DetailParser"/> yields to a node, a worker or a buffer set.</summary>
internal static class DetailApplier
{
    public static void ApplyToNode(PlanNode node, string key, string value, List<KeyValuePair<string, string>> scratch)
    {
        scratch.Clear();
        DetailParser.Expand(key, value, node.NodeType, scratch);
        foreach (var (name, text) in scratch)
        {
            // Output, Sort Key…: a list in JSON, split on top-level commas ("1, item_id" is two items, not the number 1).
            if (PlanNodeProperties.IsList(name)) PlanNodeProperties.SetList(node, name, TextSyntax.SplitTopLevel(text));
            else PlanNodeProperties.SetString(node, name, text);
        }
    }

    /// <summary>A <c>Worker N:</c> figure belongs to the worker only, never to the node's totals.</summary>
    public static void ApplyToWorker(WorkerDetail worker, string ownerType, string key, string value, List<KeyValuePair<string, string>> scratch)
    {
        scratch.Clear();
        DetailParser.Expand(key, value, ownerType, scratch);
        foreach (var (name, text) in scratch)
        {
            var isNumber = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
            switch (name)
            {
                case "Sort Method": worker.SortMethod = text; break;
                case "Sort Space Type": worker.SortSpaceType = text; break;
                case "Sort Space Used" when isNumber: worker.SortSpaceUsedKb = (long)number; break;
                default:
                    if (isNumber && BufferCounts.IsBufferProperty(name)) (worker.Buffers ??= new BufferCounts()).TrySet(name, number);
                    else worker.Extra[name] = text;
                    break;
            }
        }
    }

    /// <summary>Fills planning buffers (the <c>Planning:</c> block); other figures go to <paramref name="extra"/> prefixed with "Planning ".</summary>
    public static BufferCounts? ApplyToPlanning(BufferCounts? buffers, string key, string value, Dictionary<string, string> extra, List<KeyValuePair<string, string>> scratch)
    {
        scratch.Clear();
        DetailParser.Expand(key, value, "", scratch);
        foreach (var (name, text) in scratch)
        {
            if (BufferCounts.IsBufferProperty(name) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                (buffers ??= new BufferCounts()).TrySet(name, n);
            else extra["Planning " + name] = text;
        }
        return buffers;
    }

    /// <summary>"actual time=0.010..7.826 rows=5135 loops=1", "actual rows=5 loops=1" or "never executed".</summary>
    public static bool TryWorkerActuals(WorkerDetail worker, ReadOnlySpan<char> text)
    {
        if (text.SequenceEqual("never executed"))
        {
            worker.ActualRows = 0;
            worker.ActualLoops = 0;
            return true;
        }
        if (!text.StartsWith("actual ", StringComparison.Ordinal)) return false;
        foreach (var range in text[7..].Split(' '))
        {
            var item = text[7..][range];
            var eq = item.IndexOf('=');
            if (eq <= 0) continue;
            var v = item[(eq + 1)..];
            switch (item[..eq])
            {
                case "time":
                    var dots = v.IndexOf("..", StringComparison.Ordinal);
                    if (dots > 0 && TextSyntax.TryNumber(v[..dots], out var a) && TextSyntax.TryNumber(v[(dots + 2)..], out var b))
                    {
                        worker.ActualStartupTimeMs = a;
                        worker.ActualTotalTimeMs = b;
                    }
                    break;
                case "rows" when TextSyntax.TryNumber(v, out var r): worker.ActualRows = r; break;
                case "loops" when TextSyntax.TryNumber(v, out var l): worker.ActualLoops = l; break;
            }
        }
        return true;
    }
}
