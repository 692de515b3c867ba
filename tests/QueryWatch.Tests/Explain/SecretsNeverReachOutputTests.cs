using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.Logging;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using QueryWatch.Tests.Cli;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>
/// Issue #16 part 1: a value in the plan (a bound parameter, a literal) reaches no log, span event
/// or CLI output at default options. Generated secrets replace every constant of every rule's
/// firing fixtures, and more are planted where rules quote plan text (Filter, Sort Key, Group Key,
/// Output, an expression an index would be built on).
/// </summary>
public sealed class SecretsNeverReachOutputTests
{
    private static readonly string RulesDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "rules");

    private static readonly string[] ConditionKeys = ["Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond", "One-Time Filter"];
    private static readonly string[] ListKeys = ["Sort Key", "Group Key", "Presorted Key", "Output"];

    private static readonly Gen<(string Text, long Number)> Secrets =
        Gen.Select(Gen.String[Gen.Char["ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz0123456789-_ :./@'"], 4, 14], Gen.Long[10_000_019, 9_999_999_999])
            .Select((s, n) => ("QW" + s.Trim() + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)[..3], n));

    // The bad plans some rule fires on as captured (an estimated plan of an ANALYZE-only rule stays quiet).
    private static readonly string[] s_firing = [.. Directory.GetFiles(RulesDir, "*-bad-*.json").Order(StringComparer.Ordinal)
        .Where(f => new RuleEngine().Analyze(PlanReader.Read(File.ReadAllText(f))).Count > 0)];

    private static IEnumerable<string> FiringFixtures() => s_firing;

    [Fact]
    public void Every_rule_with_a_fixture_fires_in_the_planted_plans() =>
        Assert.True(s_firing.Length >= 20, $"{s_firing.Length} firing fixtures");

    [Fact]
    public void No_generated_value_reaches_a_log_event_a_span_event_or_the_cli_at_default_options() =>
        Secrets.Sample(secret =>
        {
            foreach (var file in FiringFixtures())
            {
                var json = Plant(File.ReadAllText(file), secret.Text, secret.Number);
                var outputs = Outputs(json, logParameterValues: false, out var findingCount);
                Assert.True(findingCount > 0, $"{Path.GetFileName(file)} raised no finding with the secrets planted: the test would prove nothing");
                foreach (var text in outputs)
                {
                    foreach (var leak in Forms(secret.Text, secret.Number))
                        Assert.False(text.Contains(leak, StringComparison.Ordinal), $"{Path.GetFileName(file)} leaked {leak} in: {text}");
                }
            }
        }, iter: 12, threads: 1);

    [Fact]
    public void With_log_parameter_values_on_the_planted_values_are_printed_so_the_other_test_can_fail()
    {
        var secret = ("QW-SECRET-123", 7_654_321_987L);
        var leaked = 0;
        foreach (var file in FiringFixtures())
        {
            var json = Plant(File.ReadAllText(file), secret.Item1, secret.Item2);
            if (Outputs(json, logParameterValues: true, out _).Any(t => t.Contains(secret.Item1, StringComparison.Ordinal))) leaked++;
        }
        Assert.True(leaked >= 5, $"only {leaked} fixtures print the planted value when values may be logged");
    }

    // The forms a value could take in text: as planted, quoted the PostgreSQL way, and the number.
    private static IEnumerable<string> Forms(string text, long number)
    {
        yield return text;
        yield return text.Replace("'", "''", StringComparison.Ordinal);
        yield return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every text a sink receives for this plan: log messages and properties, span event tags, CLI text and JSON.</summary>
    private static List<string> Outputs(string json, bool logParameterValues, out int findingCount)
    {
        var plan = PlanReader.Read(json);
        // As captured and as a command cancelled after 20 s: the duration adds the Observed forms
        // (estimated-form warnings, early-stop bets) whose text also quotes the plan.
        var engine = new RuleEngine();
        var findings = engine.Analyze(plan).Concat(engine.Analyze(plan, observed: ObservedRun.Of(TimeSpan.FromSeconds(20), finished: false))).ToList();
        findingCount = findings.Count;
        var logger = new CapturingLogger();
        var reporter = new FindingReporter(logger, logParameterValues);
        var command = new CapturedCommand("SELECT 1", [], CommandOutcome.Cancelled, TimeSpan.FromSeconds(3), null, null, default, DateTimeOffset.UtcNow);
        var fingerprint = SqlFingerprint.Compute("SELECT 1");
        using var activity = new Activity("test").Start();
        reporter.Report(command, fingerprint, null, findings, activity);
        reporter.ReportMostExpensiveNode(command, fingerprint, null, plan);

        var outputs = new List<string>(logger.Texts);
        foreach (var e in activity.Events)
            foreach (var tag in e.Tags) outputs.Add(tag.Value?.ToString() ?? "");

        var path = Path.Combine(Path.GetTempPath(), "qw-secrets-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(path, json);
            var show = logParameterValues ? new[] { "--show-values" } : [];
            outputs.Add(CliRun.Of(["analyze", path, "--format", "json", .. show]).Out);
            outputs.Add(CliRun.Of(["analyze", path, .. show]).Out);
        }
        finally
        {
            File.Delete(path);
        }
        return outputs;
    }

    /// <summary>
    /// The plan with every string and number constant of its expressions replaced by the secret, and the
    /// secret planted where rules quote plan text: a condition (plain and inside a function an index would be
    /// built on), each key list, the select list.
    /// </summary>
    private static string Plant(string json, string secret, long number)
    {
        var quoted = "'" + secret.Replace("'", "''", StringComparison.Ordinal) + "'";
        var root = JsonNode.Parse(json)!;
        Walk(root);
        return root.ToJsonString();

        void Walk(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                foreach (var item in array) Walk(item);
                return;
            }
            if (node is not JsonObject obj) return;
            foreach (var key in ConditionKeys)
            {
                if (obj[key] is JsonValue v && v.TryGetValue<string>(out var condition))
                    obj[key] = $"({Substitute(condition)} AND (COALESCE(nick, {quoted}::text) = {quoted}::text) AND (amount > {number}))";
            }
            foreach (var key in ListKeys)
            {
                if (obj[key] is not JsonArray list) continue;
                var items = list.Select(i => Substitute(i!.GetValue<string>())).ToList();
                items.Add($"(name = {quoted}::text)");
                obj[key] = new JsonArray([.. items.Select(i => (JsonNode)JsonValue.Create(i)!)]);
            }
            foreach (var (_, child) in obj.ToList()) Walk(child);
        }

        string Substitute(string expression)
        {
            var result = new StringBuilder();
            SqlToken? previous = null;
            foreach (var token in SqlLexer.Tokenize(expression))
            {
                var text = expression.Substring(token.Start, token.Length);
                if (token.Kind == SqlTokenKind.String) result.Append(quoted);
                else if (token.Kind == SqlTokenKind.Number && previous is { Kind: SqlTokenKind.Operator }) result.Append(number);
                else result.Append(text);
                if (!token.IsTrivia) previous = token;
            }
            return result.ToString();
        }
    }

    /// <summary>Keeps each event's message and every structured property, as a log sink would.</summary>
    private sealed class CapturingLogger : ILogger
    {
        public List<string> Texts { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Texts.Add(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
                foreach (var (_, value) in properties) Texts.Add(value?.ToString() ?? "");
        }
    }
}
