using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// Keeps the SQL and the duration of the last command EF sent, measured as QueryWatch measures it (from
/// execution until the reader is disposed, without EF's query compilation), so the sample can show what a
/// LINQ query became and know whether QueryWatch captured it.
/// </summary>
internal sealed class CommandTextRecorder : DbCommandInterceptor
{
    public string LastCommandText { get; private set; } = "";

    public TimeSpan LastDuration { get; private set; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        LastCommandText = command.CommandText;
        LastDuration = TimeSpan.Zero;
        return ValueTask.FromResult(result);
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        // Read again after execution: QueryWatch's interceptor may have sent a rewritten text.
        LastCommandText = command.CommandText;
        LastDuration = eventData.Duration;
        return ValueTask.FromResult(result);
    }

    // DataReaderDisposing's Duration counts from the reader's creation: execution plus reading is the sum.
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        LastDuration += eventData.Duration;
        return result;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LastDuration = eventData.Duration;
        return Task.CompletedTask;
    }
}
