using System.Text;
using System.Text.Json;

namespace QueryWatch.Plans;

/// <summary>
/// Reads one top-level JSON value of <c>EXPLAIN (FORMAT JSON)</c> output (an array of results or
/// a bare result object) into <see cref="Plan"/>s, token by token. The node tree is read with an
/// explicit stack, never by recursion: nesting comes from the input.
/// </summary>
internal ref partial struct JsonPlanReader
{
    /// <summary>Deepest node nesting accepted. PostgreSQL's planner recurses per level and stops far earlier under the default max_stack_depth.</summary>
    public const int MaxPlanDepth = 1000;

    /// <summary>JSON nesting the reader accepts: an object and a <c>Plans</c> array per plan level, plus the wrapper and detail groups.</summary>
    public const int MaxJsonDepth = (2 * MaxPlanDepth) + 64;

    // Values longer than this are conditions, outputs and names: never among the shared strings.
    private const int MaxSharedValueLength = 32;

    private Utf8JsonReader _reader;
    private readonly ReadOnlySpan<byte> _json;
    private readonly int _offset;

    /// <param name="json">The input from the start of the value on.</param>
    /// <param name="offset">Where <paramref name="json"/> starts in the caller's input, for error offsets.</param>
    public JsonPlanReader(ReadOnlySpan<byte> json, int offset)
    {
        _json = json;
        _offset = offset;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
    }

    /// <summary>Bytes read so far, relative to the start of the value.</summary>
    public readonly long BytesConsumed => _reader.BytesConsumed;

    /// <summary>Reads the value's results into <paramref name="plans"/>.</summary>
    public void ReadResults(List<Plan> plans)
    {
        Advance();
        if (_reader.TokenType == JsonTokenType.StartObject)
        {
            plans.Add(ReadResult());
            return;
        }
        if (_reader.TokenType != JsonTokenType.StartArray) throw Error("expected a JSON array or object");
        var arrayStart = _reader.TokenStartIndex;
        var count = 0;
        while (Advance() != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) throw Error("not an EXPLAIN result: array element is not an object");
            plans.Add(ReadResult());
            count++;
        }
        if (count == 0) throw Error("not an EXPLAIN result: empty array", arrayStart);
    }

    private Plan ReadResult()
    {
        var resultStart = _reader.TokenStartIndex;
        PlanNode? root = null;
        var result = new ResultParts();
        while (Advance() == JsonTokenType.PropertyName)
        {
            var name = Name();
            Advance();
            switch (name)
            {
                case "Plan":
                    if (_reader.TokenType != JsonTokenType.StartObject) throw Error("\"Plan\" is not an object");
                    root = ReadTree();
                    break;
                case "Planning Time" when _reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var planning):
                    result.PlanningTimeMs = planning;
                    break;
                case "Execution Time" when _reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var execution):
                    result.ExecutionTimeMs = execution;
                    break;
                case "Query Identifier" when _reader.TokenType is JsonTokenType.Number or JsonTokenType.String:
                    // A 64-bit signed integer: kept as printed, a double would round it.
                    result.QueryIdentifier = ValueAsText();
                    break;
                case "Settings" when _reader.TokenType == JsonTokenType.StartObject:
                    result.Settings = ReadTextMap();
                    break;
                case "JIT" when _reader.TokenType == JsonTokenType.StartObject:
                    result.Jit = ReadJit();
                    break;
                case "Triggers" when _reader.TokenType == JsonTokenType.StartArray:
                    result.Triggers = ReadTriggers();
                    break;
                case "Planning" when _reader.TokenType == JsonTokenType.StartObject:
                    result.PlanningBuffers = ReadPlanningGroup(ref result);
                    break;
                default:
                    (result.Extra ??= new(StringComparer.Ordinal))[name] = ValueAsText();
                    break;
            }
        }
        if (root is null) throw Error("not an EXPLAIN result: no \"Plan\" property", resultStart);
        return result.ToPlan(root);
    }

    private Dictionary<string, string> ReadTextMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Advance() == JsonTokenType.PropertyName)
        {
            var name = Name();
            Advance();
            map[name] = ValueAsText();
        }
        return map;
    }

    private JitDetail ReadJit()
    {
        var jit = new JitDetail();
        while (Advance() == JsonTokenType.PropertyName)
        {
            var name = Name();
            Advance();
            if (name == "Functions" && _reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var functions))
            {
                jit.Functions = (int)functions;
            }
            else if (name is "Options" or "Timing" && _reader.TokenType == JsonTokenType.StartObject)
            {
                var timing = name == "Timing";
                while (Advance() == JsonTokenType.PropertyName)
                {
                    var member = Name();
                    Advance();
                    if (timing) ReadJitTiming(jit, member);
                    else jit.Extra[member] = ValueAsText();
                }
            }
            else
            {
                jit.Extra[name] = ValueAsText();
            }
        }
        return jit;
    }

    // PostgreSQL 17 turned "Generation" into {"Deform": ms, "Total": ms}; other versions print plain numbers.
    private void ReadJitTiming(JitDetail jit, string name)
    {
        if (_reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var ms))
        {
            if (!TrySetJitTiming(jit, name, ms)) jit.Extra[name] = ValueAsText();
            return;
        }
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            jit.Extra[name] = ValueAsText();
            return;
        }
        while (Advance() == JsonTokenType.PropertyName)
        {
            var part = Name();
            Advance();
            if (part == "Total" && _reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var total) && TrySetJitTiming(jit, name, total)) continue;
            jit.Extra[name + " " + part] = ValueAsText();
        }
    }

    private static bool TrySetJitTiming(JitDetail jit, string name, double ms)
    {
        switch (name)
        {
            case "Generation": jit.GenerationMs = ms; return true;
            case "Inlining": jit.InliningMs = ms; return true;
            case "Optimization": jit.OptimizationMs = ms; return true;
            case "Emission": jit.EmissionMs = ms; return true;
            case "Total": jit.TotalMs = ms; return true;
            default: return false;
        }
    }

    private List<TriggerDetail> ReadTriggers()
    {
        var triggers = new List<TriggerDetail>();
        while (Advance() != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                _reader.Skip();
                continue;
            }
            var trigger = new TriggerDetail();
            while (Advance() == JsonTokenType.PropertyName)
            {
                var name = Name();
                var token = Advance();
                var number = 0d;
                var isNumber = token == JsonTokenType.Number && _reader.TryGetDouble(out number);
                switch (name)
                {
                    case "Trigger Name" when token == JsonTokenType.String: trigger.Name = StringValue(); break;
                    case "Constraint Name" when token == JsonTokenType.String: trigger.ConstraintName = StringValue(); break;
                    case "Relation" when token == JsonTokenType.String: trigger.Relation = StringValue(); break;
                    case "Time" when isNumber: trigger.TimeMs = number; break;
                    case "Calls" when isNumber: trigger.Calls = (long)number; break;
                    default: _reader.Skip(); break;
                }
            }
            triggers.Add(trigger);
        }
        return triggers;
    }

    // "Planning" holds the planner's buffers (BUFFERS) and, from PostgreSQL 17, its memory (MEMORY);
    // the buffers are modelled, the whole group is kept as text when it holds anything else.
    private BufferCounts? ReadPlanningGroup(ref ResultParts result)
    {
        var start = (int)_reader.TokenStartIndex;
        BufferCounts? buffers = null;
        var other = false;
        while (Advance() == JsonTokenType.PropertyName)
        {
            var name = Name();
            Advance();
            if (_reader.TokenType == JsonTokenType.Number && BufferCounts.IsBufferProperty(name) && _reader.TryGetDouble(out var value))
            {
                (buffers ??= new BufferCounts()).TrySet(name, value);
                continue;
            }
            other = true;
            _reader.Skip();
        }
        if (other) (result.Extra ??= new(StringComparer.Ordinal))["Planning"] = CompactJson.ToText(_json[start..((int)_reader.TokenStartIndex + 1)]);
        return buffers;
    }

    // ---- tokens --------------------------------------------------------------------------------

    private JsonTokenType Advance()
    {
        // With the whole input at hand the reader throws on truncation itself; false only means
        // the value ended where a token was still due.
        if (!_reader.Read()) throw new PlanParseException("unexpected end of input", offset: _offset + _reader.BytesConsumed);
        return _reader.TokenType;
    }

    private readonly string Name() => Name(out _);

    private readonly string Name(out bool isBuffer)
    {
        if (!_reader.ValueIsEscaped && Utf8NameTable.TryGet(_reader.ValueSpan, out var known, out isBuffer)) return known;
        var name = _reader.GetString()!;
        isBuffer = BufferCounts.IsBufferProperty(name);
        return name;
    }

    private readonly string StringValue()
    {
        var span = _reader.ValueSpan;
        if (span.Length <= MaxSharedValueLength && !_reader.ValueIsEscaped && Utf8NameTable.TryGet(span, out var known)) return known;
        return _reader.GetString()!;
    }

    /// <summary>The current value as text: strings unquoted, numbers as printed, containers as compact JSON (the reader moves past them).</summary>
    private string ValueAsText()
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String: return StringValue();
            case JsonTokenType.Number: return Encoding.UTF8.GetString(_reader.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            case JsonTokenType.Null: return "null";
            default:
                var start = (int)_reader.TokenStartIndex;
                _reader.Skip();
                return CompactJson.ToText(_json[start..((int)_reader.TokenStartIndex + 1)]);
        }
    }

    private readonly PlanParseException Error(string reason) => Error(reason, _reader.TokenStartIndex);

    private readonly PlanParseException Error(string reason, long at) => new(reason, offset: _offset + at);

    /// <summary>What a result object holds besides its plan, gathered before the plan exists.</summary>
    private struct ResultParts
    {
        public double? PlanningTimeMs;
        public double? ExecutionTimeMs;
        public string? QueryIdentifier;
        public Dictionary<string, string>? Settings;
        public JitDetail? Jit;
        public List<TriggerDetail>? Triggers;
        public BufferCounts? PlanningBuffers;
        public Dictionary<string, string>? Extra;

        public readonly Plan ToPlan(PlanNode root)
        {
            var plan = new Plan(root, PlanFormat.Json)
            {
                PlanningTimeMs = PlanningTimeMs,
                ExecutionTimeMs = ExecutionTimeMs,
                QueryIdentifier = QueryIdentifier,
                Jit = Jit,
                PlanningBuffers = PlanningBuffers,
            };
            if (Settings is not null) foreach (var (k, v) in Settings) plan.Settings[k] = v;
            if (Triggers is not null) plan.Triggers.AddRange(Triggers);
            if (Extra is not null) foreach (var (k, v) in Extra) plan.Extra[k] = v;
            return plan;
        }
    }
}
