using Microsoft.EntityFrameworkCore;
using QueryWatch.Sql;

namespace QueryWatch.Testing;

/// <summary>One command EF sent while a <see cref="QueryRecorder"/> was open. Parameter values stay in memory, in the test.</summary>
public sealed class RecordedCommand
{
    internal RecordedCommand(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, TimeSpan duration, DbContext? context, string commandSource)
    {
        Sql = sql;
        var fingerprint = SqlFingerprint.Compute(sql);
        NormalizedSql = fingerprint.Normalized;
        Fingerprint = fingerprint.IdHex;
        Parameters = parameters;
        Duration = duration;
        DbContext = context;
        CommandSource = commandSource;
    }

    /// <summary>The command text as sent.</summary>
    public string Sql { get; }

    /// <summary>The text with every literal and parameter as <c>$n</c>, on one line.</summary>
    public string NormalizedSql { get; }

    /// <summary>The statement shape's 16-hex-digit fingerprint, as QueryWatch logs it.</summary>
    public string Fingerprint { get; }

    /// <summary>The parameters, names and values as sent.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; }

    /// <summary>How long EF took to execute it (for a query: until the reader was returned).</summary>
    public TimeSpan Duration { get; }

    /// <summary>The context that sent it.</summary>
    public DbContext? DbContext { get; }

    /// <summary>EF's command source: LinqQuery, SaveChanges, FromSqlQuery, ExecuteSqlRaw...</summary>
    public string CommandSource { get; }

    /// <inheritdoc/>
    public override string ToString() => NormalizedSql;
}
