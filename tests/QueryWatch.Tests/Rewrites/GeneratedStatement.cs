namespace QueryWatch.Tests.Rewrites;

/// <summary>
/// Builds a random SELECT from a choice tape (so CsCheck shrinks it toward the simplest
/// statement) together with the rewrite ids the rewriter must report, in text order. Comments,
/// strings, dollar quotes and quoted identifiers holding DISTINCT, LIMIT 1 and parentheses are
/// scattered between and inside the clauses; subqueries nest in EXISTS, IN and FROM.
/// </summary>
internal sealed class GeneratedStatement
{
    private static readonly string[] Trivia =
    [
        " ", " ", " ", "  ", "\n", "\t", "\r\n ", " /* DISTINCT ( */ ", "/* a /* LIMIT 1 ) */ b */", " -- DISTINCT LIMIT 1 )\n", "/**/",
    ];

    private static readonly string[] Values =
    [
        "a", "1", "x.\"Id\"", "'DISTINCT'", "'LIMIT 1 ) ('", "\"distinct\"", "\"LIMIT 1\"", "$$ ) EXISTS ( $$",
        "$t$ IN (SELECT DISTINCT $t$", "E'\\' ) '", "count(*)", "@p0", "U&\"d\\0061t\"", "'it''s (DISTINCT'",
    ];

    private static readonly int[] SubqueryTails = [0, 0, 0, 1, 4, 7];

    private readonly int[] _tape;
    private readonly List<string> _tokens = [];
    private readonly List<string> _expected = [];
    private int _next;
    private bool _rejected;

    private GeneratedStatement(int[] tape) => _tape = tape;

    /// <summary>The SQL text.</summary>
    public string Sql { get; private set; } = "";

    /// <summary>The ids the rewriter must report, in text order; empty when it must return null.</summary>
    public IReadOnlyList<string> Expected => _rejected ? [] : _expected;

    /// <summary>The LIMIT placeholder the rewrite must depend on, if any.</summary>
    public string? LimitParameter { get; private set; }

    public static GeneratedStatement Build(int[] tape)
    {
        var statement = new GeneratedStatement(tape);
        statement.Select(Context.Top, depth: 0);
        statement.Render();
        return statement;
    }

    public override string ToString() => Sql;

    private enum Context { Top, Exists, In, From }

    private int Choose(int n) => _next < _tape.Length ? _tape[_next++] % n : 0;

    private void Emit(params string[] tokens) => _tokens.AddRange(tokens);

    private void Select(Context context, int depth)
    {
        Emit(Choose(3) switch { 0 => "SELECT", 1 => "select", _ => "Select" });
        var distinct = Choose(3); // none, DISTINCT, DISTINCT ON (a)
        var setOperation = Choose(6) == 0;
        // Subqueries mostly go without a tail, so RW002/RW003 candidates are common.
        var tail = context == Context.Top ? Choose(8) : SubqueryTails[Choose(SubqueryTails.Length)];
        var (qualifies, parameter) = context switch
        {
            Context.Top => (tail is 1 or 2 or 3 or 4, tail == 4 ? "@lim" : null),
            Context.Exists => (tail == 0, null),
            Context.In => (tail == 0 && distinct == 1, null),
            _ => (false, (string?)null),
        };

        if (distinct > 0)
        {
            Emit(Choose(2) == 0 ? "DISTINCT" : "distinct");
            if (distinct == 2)
            {
                Emit("ON", "(", "a", ")");
            }

            if (qualifies && !setOperation)
            {
                _expected.Add(context == Context.Top ? "RW001" : context == Context.Exists ? "RW002" : "RW003");
                LimitParameter ??= parameter;
            }
        }

        Emit(Value());
        if (Choose(2) == 0)
        {
            Emit(",", Value());
        }

        Emit("FROM");
        if (depth < 3 && Choose(4) == 0)
        {
            Emit("(");
            Select(Context.From, depth + 1);
            Emit(")", "s");
        }
        else
        {
            Emit(Choose(2) == 0 ? "t" : "\"LIMIT\"");
        }

        if (Choose(3) > 0)
        {
            Emit("WHERE");
            Condition(depth);
        }

        if (setOperation)
        {
            Emit("UNION", "SELECT", "b", "FROM", "u");
        }
        else if (Choose(3) == 0)
        {
            Emit("ORDER", "BY", "a");
        }

        Emit(TailTokens(tail));
        if (context == Context.Top)
        {
            switch (Choose(10))
            {
                case 0:
                    Emit("FOR", "UPDATE");
                    _rejected = true;
                    break;
                case 1:
                    Emit(";");
                    break;
                case 2:
                    Emit(";", "SELECT", "1");
                    _rejected = true;
                    break;
            }
        }
    }

    private static string[] TailTokens(int tail) => tail switch
    {
        1 => ["LIMIT", "1"],
        2 => ["FETCH", "FIRST", "1", "ROW", "ONLY"],
        3 => ["OFFSET", "0", "LIMIT", "1"],
        4 => ["LIMIT", "@lim"],
        5 => ["LIMIT", "2"],
        6 => ["LIMIT", "1", "OFFSET", "@o"],
        7 => ["OFFSET", "0"],
        _ => [],
    };

    private void Condition(int depth)
    {
        var kind = depth < 3 ? Choose(5) : 0;
        switch (kind)
        {
            case 1:
                Emit(Choose(2) == 0 ? "EXISTS" : "NOT EXISTS", "(");
                Select(Context.Exists, depth + 1);
                Emit(")");
                break;
            case 2:
                Emit(Value(), Choose(2) == 0 ? "IN" : "NOT IN", "(");
                Select(Context.In, depth + 1);
                Emit(")");
                break;
            case 3:
                Condition(depth + 1);
                Emit("AND");
                Condition(depth + 1);
                break;
            default:
                Emit(Value(), "=", Value());
                break;
        }
    }

    private string Value() => Values[Choose(Values.Length)];

    private void Render()
    {
        var text = new System.Text.StringBuilder();
        foreach (var token in _tokens)
        {
            text.Append(token).Append(Trivia[Choose(Trivia.Length)]);
        }

        Sql = text.ToString();
    }
}
