using System.Globalization;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>
/// Runs <see cref="HypotheticalIndexVerifier"/> over the findings that propose an index (evidence
/// <c>index</c>) and rewrites them with the answer: a verified index keeps its DDL and gains the costs;
/// an index the planner would not use is dropped from the suggestion; an unchecked one is marked
/// "not verified". For the explain worker and the CLI.
/// </summary>
internal static class IndexAdviceVerification
{
    /// <summary>The findings, in the same order, with index proposals checked against <paramref name="sql"/>.</summary>
    public static Task<IReadOnlyList<Finding>> ApplyAsync(IReadOnlyList<Finding> findings, HypotheticalIndexVerifier verifier, string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken = default) =>
        ApplyAsync(findings, (ddl, ct) => verifier.VerifyAsync(sql, parameters, ddl, ct), cancellationToken);

    /// <summary>The findings, in the same order, with each distinct index proposal checked once by <paramref name="verify"/>.</summary>
    public static async Task<IReadOnlyList<Finding>> ApplyAsync(IReadOnlyList<Finding> findings, Func<string, CancellationToken, Task<IndexVerification>> verify, CancellationToken cancellationToken = default)
    {
        var checkedDdl = new Dictionary<string, IndexVerification>(StringComparer.Ordinal);
        var result = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            var ddl = finding.Evidence.FirstOrDefault(e => e.Key == RuleContext.IndexEvidenceKey).Value;
            if (string.IsNullOrEmpty(ddl))
            {
                result.Add(finding);
                continue;
            }
            if (!checkedDdl.TryGetValue(ddl, out var verification))
            {
                verification = await verify(ddl, cancellationToken).ConfigureAwait(false);
                checkedDdl[ddl] = verification;
            }
            result.Add(With(finding, ddl, verification));
        }
        return result;
    }

    /// <summary>One finding rewritten with the verification of its proposed index.</summary>
    public static Finding With(Finding finding, string ddl, IndexVerification verification)
    {
        var evidence = new List<KeyValuePair<string, string>>(finding.Evidence);
        switch (verification.Outcome)
        {
            case IndexVerificationOutcome.Verified:
                evidence.Add(new("indexVerification", "verified"));
                evidence.Add(RuleContext.Fact("indexCostBefore", verification.CostBefore ?? 0));
                evidence.Add(RuleContext.Fact("indexCostAfter", verification.CostAfter ?? 0));
                return finding with
                {
                    Suggestion = finding.Suggestion + string.Create(CultureInfo.InvariantCulture,
                        $" Verified with hypopg: the planner uses this index and the plan's cost drops from {RuleText.Count(verification.CostBefore ?? 0)} to {RuleText.Count(verification.CostAfter ?? 0)}."),
                    Evidence = evidence,
                };
            case IndexVerificationOutcome.NotUsed:
                evidence.RemoveAll(e => e.Key == RuleContext.IndexEvidenceKey);
                evidence.Add(new("indexVerification", "not used"));
                evidence.Add(new("indexDropped", ddl));
                return finding with
                {
                    Suggestion = finding.Suggestion.Replace(ddl, "(no index suggested: checked with hypopg, " + verification.Reason + ")", StringComparison.Ordinal),
                    Evidence = evidence,
                };
            default:
                evidence.Add(new("indexVerification", "not verified"));
                evidence.Add(new("indexVerificationReason", verification.Reason ?? ""));
                return finding with
                {
                    Suggestion = finding.Suggestion + " (index not verified: " + verification.Reason + ".)",
                    Evidence = evidence,
                };
        }
    }
}
