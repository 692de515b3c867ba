using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using QueryWatch.Explain;

namespace QueryWatch.Testing;

/// <summary>
/// Explains the commands EF Core really sends, with their parameters bound as EF binds them, on the
/// context's own database, and runs QueryWatch's rules over the plans. No test framework is needed:
/// a failed assertion throws <see cref="QueryPlanAssertionException"/>.
/// </summary>
public static class QueryPlan
{
    /// <summary>
    /// Explains the command EF builds for <paramref name="query"/> (<c>CreateDbCommand</c>), on the
    /// connection of the query's context; ANALYZE when <see cref="QueryPlanOptions.Analyze"/> is set.
    /// </summary>
    public static async Task<QueryPlanResult> ExplainAsync<T>(IQueryable<T> query, QueryPlanOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var command = query.CreateDbCommand();
        await using (command.ConfigureAwait(false))
        {
            var captured = CommandCapture.Snapshot(command, CommandOutcome.Slow, TimeSpan.Zero, "LinqQuery", tag: null);
            var results = await TestExplainer.ExplainAsync(Npgsql(command.Connection), captured.Sql, captured.Parameters,
                options ?? new QueryPlanOptions(), cancellationToken).ConfigureAwait(false);
            return results.Count > 0 ? results[0] : throw new InvalidOperationException("EF built a command with no statement for this query.");
        }
    }

    /// <summary>Explains <paramref name="query"/> and asserts its plan is healthy; returns the result for further assertions.</summary>
    public static async Task<QueryPlanResult> AssertHealthyAsync<T>(IQueryable<T> query, QueryPlanOptions? options = null, CancellationToken cancellationToken = default)
        => (await ExplainAsync(query, options, cancellationToken).ConfigureAwait(false)).AssertHealthy();

    /// <summary>
    /// Runs <paramref name="code"/> and explains every command it sent through <paramref name="context"/>
    /// (queries, Any, Count, First, SaveChanges, raw SQL), each statement with its own parameters, once the
    /// code has finished. Writes are explained without ANALYZE; what the code did is what the test does anyway.
    /// </summary>
    public static async Task<ExplainedCommands> ExplainAsync(DbContext context, Func<Task> code, QueryPlanOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(code);
        var sink = new ContextSink(context);
        using (EfCommandListener.Open(sink))
        {
            await code().ConfigureAwait(false);
        }

        options ??= new QueryPlanOptions();
        var connection = Npgsql(context.Database.GetDbConnection());
        var results = new List<QueryPlanResult>();
        foreach (var command in sink.Commands)
            results.AddRange(await TestExplainer.ExplainAsync(connection, command.Sql, command.Parameters, options, cancellationToken).ConfigureAwait(false));
        return new ExplainedCommands(results);
    }

    private static NpgsqlConnection Npgsql(System.Data.Common.DbConnection? connection) => connection as NpgsqlConnection
        ?? throw new InvalidOperationException("QueryPlan explains on PostgreSQL: the context must use Npgsql (UseNpgsql).");

    private sealed class ContextSink(DbContext context) : ICommandSink
    {
        private readonly Lock _gate = new();
        private readonly List<CapturedCommand> _commands = [];

        public IReadOnlyList<CapturedCommand> Commands
        {
            get
            {
                lock (_gate) return [.. _commands];
            }
        }

        public void OnExecuted(CommandExecutedEventData data)
        {
            if (!ReferenceEquals(data.Context, context)) return;
            var captured = CommandCapture.Snapshot(data.Command, CommandOutcome.Slow, data.Duration, data.CommandSource.ToString(), tag: null);
            lock (_gate) _commands.Add(captured);
        }
    }
}
