using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Rewrites;

namespace QueryWatch.EntityFrameworkCore.Interception;

/// <summary>
/// Apply mode's part in the interceptor: before a command executes, swaps its text for a verified
/// rewrite when the book has one for that exact text; when a command sent rewritten fails at the
/// server, turns that rewrite off for the process. A command whose text is not in the book costs a
/// length check, or one string hash: no allocation, no lock.
/// </summary>
internal sealed class RewriteApplier(IRewriteBook book)
{
    public IRewriteBook Book { get; } = book;

    /// <summary>Rewrites <paramref name="command"/> in place if its text has a verified rewrite that holds for this execution.</summary>
    public void Apply(DbCommand command)
    {
        if (!Book.TryFind(command.CommandText, out var rewrite)) return;
        if (rewrite.Rewrite.LimitParameterName is { } placeholder && !LimitIsOne(command, placeholder)) return;
        command.CommandText = rewrite.RewrittenSql;
        QueryWatchMetrics.RewriteApplied(rewrite.Rewrite.RewriteIds);
        if (rewrite.TryMarkFirstUse()) LogFirstUse(rewrite);
    }

    /// <summary>If <paramref name="command"/> was sent rewritten and the server refused it, turns the rewrite off and logs why.</summary>
    public void OnFailed(DbCommand command, Exception exception)
    {
        if (ServerError(exception) is not { } error) return;
        if (!Book.TryFindRewritten(command.CommandText, out var rewrite) || !rewrite.TryTurnOff()) return;
        // The server's message can quote a value the command carried (issue #16); the SQLSTATE says what went wrong.
        Log.RewriteTurnedOff(rewrite.Logger, rewrite.RewriteIdList, rewrite.Fingerprint, error.SqlState, FindingRedactor.RedactText(error.MessageText));
    }

    /// <summary>
    /// The server's own error, when the statement itself failed; not a cancellation or timeout (the
    /// caller's token or statement_timeout say nothing about the rewrite: the command is captured and
    /// explained as usual), nor a broken connection.
    /// </summary>
    private static PostgresException? ServerError(Exception exception)
    {
        var error = exception as PostgresException ?? exception.InnerException as PostgresException;
        return error is null || error.SqlState == PostgresErrorCodes.QueryCanceled || QueryWatchInterceptor.Classify(exception) != CommandOutcome.Failed
            ? null
            : error;
    }

    private static bool LimitIsOne(DbCommand command, string placeholder)
    {
        var parameters = command.Parameters;
        var position = LimitPlaceholder.PositionOf(placeholder);
        if (position >= 0) return position < parameters.Count && DistinctRewriter.IsOne(parameters[position].Value);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (LimitPlaceholder.Matches(placeholder, parameter.ParameterName)) return DistinctRewriter.IsOne(parameter.Value);
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LogFirstUse(VerifiedRewrite rewrite)
        => Log.RewriteApplied(rewrite.Logger, rewrite.RewriteIdList, rewrite.Fingerprint, rewrite.OriginalCost, rewrite.RewrittenCost, rewrite.LoggedRewrittenSql);
}
