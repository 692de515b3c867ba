using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rewrites;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// For a captured command whose statement has a rewrite: EXPLAINs the rewritten statement out of band,
/// with the captured parameters and the same read-only, rolled-back safety as any explain, and compares
/// total costs with the original's plan. Suggest logs the proposal; Apply books a verified rewrite for
/// the interceptor. A rewrite is verified when both statements EXPLAIN without error and the rewrite
/// costs no more. RW004 (NOT IN to NOT EXISTS) also needs the catalog to prove both columns NULL-free
/// (<see cref="NullSafety"/>) and the rewritten plan to hold an Anti Join; its booking lasts
/// <paramref name="revalidateAfter"/> (the explain cooldown), since a NOT NULL constraint can be dropped.
/// </summary>
internal sealed class RewriteVerifier(StatementExplainer explainer, ILogger logger, bool logParameterValues,
    NpgsqlDataSource? catalog = null, TimeSpan revalidateAfter = default)
{
    /// <summary>Considers <paramref name="command"/>, whose only statement EXPLAINed without error to <paramref name="originalPlan"/>.</summary>
    public async Task ConsiderAsync(CapturedCommand command, Plan originalPlan, SqlFingerprint fingerprint, CancellationToken ct)
    {
        if (command.Rewrites is not { Mode: not RewriteMode.Off } settings) return;
        if (settings.Mode == RewriteMode.Apply && settings.Book.Contains(command.Sql)) return;

        // The whole command text: it is what the interceptor will look up and replace.
        var rewrite = DistinctRewriter.TryRewrite(command.Sql, settings.DisabledRewrites);
        NotInRewrite? notIn = null;
        if (rewrite is null)
        {
            notIn = NotInRewriter.TryRewrite(command.Sql, settings.DisabledRewrites);
            rewrite = notIn?.Rewrite;
        }

        if (rewrite is null) return;
        // LIMIT @p: the rewrite holds only for p = 1; an execution with another value proves nothing about it.
        if (!DistinctRewriter.AppliesTo(rewrite, name => ValueOf(command.Parameters, name))) return;
        var statements = SqlStatementSplitter.Split(rewrite.RewrittenSql);
        if (statements.Count != 1) return;

        var ids = string.Join(",", rewrite.RewriteIds);
        var originalCost = originalPlan.Root.TotalCost;
        // RW004: the catalog first; an unproven rewrite is not worth an EXPLAIN, and says why.
        var error = notIn is null ? null : await ProveNullSafeAsync(notIn, ct).ConfigureAwait(false);
        Plan? rewrittenPlan = null;
        if (error is null) (rewrittenPlan, error) = await ExplainRewrittenAsync(statements[0], command.Parameters, ct).ConfigureAwait(false);
        if (error is null && notIn is not null && !HasAntiJoin(rewrittenPlan!.Root))
            error = "the rewritten plan has no Anti Join";
        var rewrittenCost = rewrittenPlan?.Root.TotalCost;
        var verified = error is null && originalCost is { } before && rewrittenCost is { } after && after <= before;
        var shownSql = logParameterValues ? rewrite.RewrittenSql : SqlFingerprint.Compute(rewrite.RewrittenSql).Normalized;

        if (settings.Mode == RewriteMode.Suggest)
        {
            Log.RewriteSuggested(logger, ids, fingerprint.IdHex, shownSql, originalCost, rewrittenCost, verified, fingerprint.Normalized);
            return;
        }

        if (!verified)
        {
            var reason = error ?? (originalCost is null || rewrittenCost is null
                ? "a plan carried no total cost"
                : "the rewritten plan costs more than the original");
            // The server's message can quote a value of the statement (issue #16).
            Log.RewriteRejected(logger, ids, fingerprint.IdHex, logParameterValues ? reason : FindingRedactor.RedactText(reason), originalCost, rewrittenCost);
            return;
        }

        var validFor = notIn is null ? (TimeSpan?)null : revalidateAfter;
        var entry = new VerifiedRewrite(rewrite, fingerprint.IdHex, originalCost!.Value, rewrittenCost!.Value, shownSql, logger, validFor);
        if (settings.Book.TryAdd(entry))
            Log.RewriteVerified(logger, ids, fingerprint.IdHex, entry.OriginalCost, entry.RewrittenCost, shownSql);
    }

    private async Task<(Plan? Plan, string? Error)> ExplainRewrittenAsync(SqlStatement statement, IReadOnlyList<CapturedParameter> parameters, CancellationToken ct)
    {
        try
        {
            var json = await explainer.ExplainAsync(statement, parameters, analyze: false, ct).ConfigureAwait(false);
            return (JsonPlanParser.Parse(json), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (PostgresException e)
        {
            return (null, "EXPLAIN of the rewritten statement failed: " + e.SqlState + " " + e.MessageText);
        }
        catch (Exception e) when (e is NpgsqlException or PlanParseException or TimeoutException or InvalidOperationException)
        {
            return (null, "EXPLAIN of the rewritten statement failed: " + e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>
    /// Null when the catalog proves every clause of <paramref name="rewrite"/> NULL-safe, otherwise why not
    /// (names a column, never a value). Any error is a refusal: the next capture tries again.
    /// </summary>
    private async Task<string?> ProveNullSafeAsync(NotInRewrite rewrite, CancellationToken ct)
    {
        if (catalog is null) return "no catalog connection to prove the columns NOT NULL";
        try
        {
            var connection = await catalog.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await NullSafety.ProveAsync(connection, rewrite, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return "the catalog could not be read to prove the columns NOT NULL: " + e.GetType().Name;
        }
    }

    private static bool HasAntiJoin(PlanNode node)
    {
        if (node.JoinType is "Anti" or "Right Anti") return true;
        foreach (var child in node.Children)
        {
            if (HasAntiJoin(child)) return true;
        }

        return false;
    }

    /// <summary>The captured value of the parameter a LIMIT placeholder names, or null.</summary>
    internal static object? ValueOf(IReadOnlyList<CapturedParameter> parameters, string placeholder)
    {
        var position = LimitPlaceholder.PositionOf(placeholder);
        if (position >= 0) return position < parameters.Count ? parameters[position].Value : null;
        foreach (var parameter in parameters)
        {
            if (LimitPlaceholder.Matches(placeholder, parameter.Name)) return parameter.Value;
        }

        return null;
    }
}
