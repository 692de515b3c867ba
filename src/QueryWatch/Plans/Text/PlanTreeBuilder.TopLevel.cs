using System.Globalization;

namespace QueryWatch.Plans.Text;

/// <summary>The lines at the root's column after the tree: timings, Planning:, JIT:, triggers, settings.</summary>
internal sealed partial class PlanTreeBuilder
{
    internal static bool IsTopLevelKey(ReadOnlySpan<char> body)
    {
        var colon = body.IndexOf(':');
        if (colon <= 0) return false;
        var key = body[..colon];
        return key is "Planning Time" or "Planning time" or "Execution Time" or "Execution time" or "Total runtime"
            or "Planning" or "JIT" or "Settings" or "Query Identifier" or "Serialization"
            || (key.StartsWith("Trigger ", StringComparison.Ordinal) && body[(colon + 1)..].TrimStart().StartsWith("time=", StringComparison.Ordinal))
            || (key.StartsWith("Trigger ", StringComparison.Ordinal) && body[(colon + 1)..].TrimStart().StartsWith("calls=", StringComparison.Ordinal));
    }

    private void TopLevel(string text)
    {
        var plan = _plan!;
        _worker = null;
        _block = Block.None;
        var body = text.AsSpan();
        // Trigger names may hold ": ", so the figures are found from the right.
        if (body.StartsWith("Trigger ", StringComparison.Ordinal))
        {
            Trigger(plan, body);
            return;
        }
        var (key, value) = SplitKey(body) ?? throw Unreadable(body);
        switch (key)
        {
            // "Planning time"/"Execution time"/"Total runtime": PostgreSQL 12 and older spellings.
            case "Planning Time" or "Planning time": plan.PlanningTimeMs = Milliseconds(value); break;
            case "Execution Time" or "Execution time" or "Total runtime": plan.ExecutionTimeMs = Milliseconds(value); break;
            case "Planning": _block = Block.Planning; break;
            case "JIT":
                plan.Jit = new JitDetail();
                _block = Block.Jit;
                break;
            case "Settings":
                foreach (var setting in TextSyntax.SplitTopLevel(value))
                {
                    var eq = setting.IndexOf(" = ", StringComparison.Ordinal);
                    if (eq <= 0) continue;
                    var v = setting[(eq + 3)..].Trim();
                    if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'') v = v[1..^1].Replace("''", "'", StringComparison.Ordinal);
                    plan.Settings[setting[..eq].Trim()] = v;
                }
                break;
            case "Query Identifier": plan.QueryIdentifier = value; break;
            default: plan.Extra[key] = value; break;
        }
    }

    private double Milliseconds(string value) =>
        TextSyntax.TryNumber(value, out var ms) ? ms : throw new PlanParseException($"not a time: '{NodeLineParser.Clip(value)}'", _pendingLine);

    // explain.c report_triggers: "Trigger name[ on rel]: time=x calls=n" or "Trigger for constraint c[ on rel]: ...".
    private static void Trigger(Plan plan, ReadOnlySpan<char> body)
    {
        var figures = body.LastIndexOf(": ", StringComparison.Ordinal);
        if (figures < 0) return;
        var head = body[8..figures];
        var trigger = new TriggerDetail();
        var on = head.LastIndexOf(" on ", StringComparison.Ordinal);
        if (on > 0)
        {
            trigger.Relation = TextSyntax.Unquote(head[(on + 4)..]);
            head = head[..on];
        }
        if (head.StartsWith("for constraint ", StringComparison.Ordinal))
        {
            trigger.ConstraintName = TextSyntax.Unquote(head[15..]);
            trigger.Name = trigger.ConstraintName;
        }
        else trigger.Name = TextSyntax.Unquote(head);
        foreach (var range in body[(figures + 2)..].Split(' '))
        {
            var item = body[(figures + 2)..][range];
            if (item.StartsWith("time=", StringComparison.Ordinal) && TextSyntax.TryNumber(item[5..], out var t)) trigger.TimeMs = t;
            else if (item.StartsWith("calls=", StringComparison.Ordinal) && TextSyntax.TryNumber(item[6..], out var c)) trigger.Calls = (long)c;
        }
        plan.Triggers.Add(trigger);
    }

    private void BlockDetail(ReadOnlySpan<char> body)
    {
        var plan = _plan!;
        var (key, value) = SplitKey(body) ?? throw Unreadable(body);
        if (_block == Block.Planning)
        {
            plan.PlanningBuffers = DetailApplier.ApplyToPlanning(plan.PlanningBuffers, key, value, plan.Extra, _scratch);
            return;
        }
        var jit = plan.Jit!;
        switch (key)
        {
            case "Functions" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n): jit.Functions = n; break;
            case "Timing":
                // "Generation 0.907 ms, Inlining 49.545 ms, Optimization 55.436 ms, Emission 39.952 ms, Total 145.841 ms"
                foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var space = part.IndexOf(' ', StringComparison.Ordinal);
                    if (space <= 0 || !TextSyntax.TryNumber(part.AsSpan(space + 1), out var ms)) continue;
                    switch (part[..space])
                    {
                        case "Generation": jit.GenerationMs = ms; break;
                        case "Inlining": jit.InliningMs = ms; break;
                        case "Optimization": jit.OptimizationMs = ms; break;
                        case "Emission": jit.EmissionMs = ms; break;
                        case "Total": jit.TotalMs = ms; break;
                        default: jit.Extra[part[..space]] = part.AsSpan(space + 1).ToString(); break;
                    }
                }
                break;
            default: jit.Extra[key] = value; break;
        }
    }
}
