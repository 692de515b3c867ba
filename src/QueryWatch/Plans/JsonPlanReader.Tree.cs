using System.Text;
using System.Text.Json;

namespace QueryWatch.Plans;

internal ref partial struct JsonPlanReader
{
    /// <summary>Reads the node tree under <c>"Plan"</c>; the reader is on its opening brace.</summary>
    private PlanNode ReadTree()
    {
        var root = new PlanNode();
        var current = new OpenNode(root, _reader.TokenStartIndex);
        // Ancestors of the node being read; each of them is inside its "Plans" array.
        var ancestors = new Stack<OpenNode>();
        while (true)
        {
            if (Advance() == JsonTokenType.PropertyName)
            {
                var name = Name(out var isBuffer);
                if (Advance() == JsonTokenType.Number && isBuffer && _reader.TryGetDouble(out var blocks))
                {
                    // A third of a node's properties with BUFFERS: straight to the counters, past the node mapping's misses.
                    (current.Node.Buffers ??= new BufferCounts()).TrySet(name, blocks);
                    continue;
                }
                if (_reader.TokenType == JsonTokenType.StartArray && name == "Plans")
                {
                    if (Advance() != JsonTokenType.EndArray) current = OpenChild(ancestors, current);
                    continue;
                }
                ReadNodeValue(current.Node, name);
                continue;
            }

            if (current.Node.NodeType.Length == 0) throw Error("plan node without \"Node Type\"", current.Start);
            if (ancestors.Count == 0) return root;
            var parent = ancestors.Pop();
            current = Advance() == JsonTokenType.EndArray ? parent : OpenChild(ancestors, parent);
        }
    }

    private readonly OpenNode OpenChild(Stack<OpenNode> ancestors, OpenNode parent)
    {
        if (_reader.TokenType != JsonTokenType.StartObject) throw Error("\"Plans\" holds something other than a plan node");
        if (ancestors.Count >= MaxPlanDepth) throw Error($"plan nested deeper than {MaxPlanDepth} levels");
        ancestors.Push(parent);
        var child = new PlanNode();
        parent.Node.AddChild(child);
        return new OpenNode(child, _reader.TokenStartIndex);
    }

    private void ReadNodeValue(PlanNode node, string name)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                PlanNodeProperties.SetString(node, name, StringValue());
                break;
            case JsonTokenType.Number:
                if (_reader.TryGetDouble(out var number)) PlanNodeProperties.SetNumber(node, name, number);
                else node.Extra[name] = Encoding.UTF8.GetString(_reader.ValueSpan);
                break;
            case JsonTokenType.True:
                PlanNodeProperties.SetBool(node, name, true);
                break;
            case JsonTokenType.False:
                PlanNodeProperties.SetBool(node, name, false);
                break;
            case JsonTokenType.StartArray when name == "Workers":
                ReadWorkers(node);
                break;
            case JsonTokenType.StartArray:
                ReadListValue(node, name);
                break;
            default:
                node.Extra[name] = ValueAsText();
                break;
        }
    }

    /// <summary>An array of strings (<c>Output</c>, <c>Sort Key</c>…) becomes a list; any other array is kept as JSON text.</summary>
    private void ReadListValue(PlanNode node, string name)
    {
        var start = (int)_reader.TokenStartIndex;
        var values = new List<string>();
        var onlyStrings = true;
        while (Advance() != JsonTokenType.EndArray)
        {
            if (_reader.TokenType == JsonTokenType.String)
            {
                values.Add(StringValue());
                continue;
            }
            onlyStrings = false;
            _reader.Skip();
        }
        if (onlyStrings) PlanNodeProperties.SetList(node, name, values);
        else node.Extra[name] = CompactJson.ToText(_json[start..((int)_reader.TokenStartIndex + 1)]);
    }

    private void ReadWorkers(PlanNode node)
    {
        while (Advance() != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                _reader.Skip();
                continue;
            }
            var worker = new WorkerDetail();
            while (Advance() == JsonTokenType.PropertyName)
            {
                var name = Name(out var isBuffer);
                switch (Advance())
                {
                    case JsonTokenType.Number when isBuffer && _reader.TryGetDouble(out var blocks):
                        (worker.Buffers ??= new BufferCounts()).TrySet(name, blocks);
                        break;
                    case JsonTokenType.Number when _reader.TryGetDouble(out var number):
                        WorkerDetailProperties.SetNumber(worker, name, number);
                        break;
                    case JsonTokenType.String:
                        WorkerDetailProperties.SetString(worker, name, StringValue());
                        break;
                    default:
                        worker.Extra[name] = ValueAsText();
                        break;
                }
            }
            node.Workers.Add(worker);
        }
    }

    private readonly record struct OpenNode(PlanNode Node, long Start);
}
