using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using QueryWatch.Rewrites;

namespace QueryWatch.Explain;

/// <summary>Copies what the worker needs out of a finished command. Runs only for a command already chosen for capture.</summary>
internal static class CommandCapture
{
    public static CapturedCommand Snapshot(DbCommand command, CommandOutcome outcome, TimeSpan duration, string? commandSource, string? tag, RewriteSettings? rewrites = null)
    {
        var source = command.Parameters;
        var parameters = new CapturedParameter[source.Count];
        for (var i = 0; i < parameters.Length; i++) parameters[i] = Copy(source[i]);
        return new CapturedCommand(
            command.CommandText ?? "",
            parameters,
            outcome,
            duration,
            commandSource,
            tag,
            Activity.Current?.Context ?? default,
            DateTimeOffset.UtcNow,
            rewrites);
    }

    /// <summary>
    /// The application's operation the command ran in: the display name of the nearest ambient Activity that is not
    /// the driver's own span for this command (Npgsql's) or QueryWatch's; null outside any Activity.
    /// </summary>
    public static string? Operation()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (activity.Source.Name is "Npgsql" or QueryWatch.Diagnostics.QueryWatchActivity.SourceName) continue;
            return string.IsNullOrEmpty(activity.DisplayName) ? null : activity.DisplayName;
        }
        return null;
    }

    private static CapturedParameter Copy(DbParameter parameter)
    {
        var value = parameter.Value switch
        {
            // The application may reuse a buffer after the command returns; the worker runs later.
            Array array => array.Clone(),
            var other => other,
        };
        if (parameter is NpgsqlParameter npgsql)
        {
            return new CapturedParameter(npgsql.ParameterName, value, npgsql.NpgsqlDbType, npgsql.DataTypeName, npgsql.DbType, npgsql.Direction);
        }

        return new CapturedParameter(parameter.ParameterName, value, null, null, parameter.DbType, parameter.Direction);
    }

    /// <summary>The Npgsql parameter that binds <paramref name="captured"/> the way the application's command did.</summary>
    public static NpgsqlParameter Rebind(CapturedParameter captured)
    {
        var parameter = new NpgsqlParameter { ParameterName = captured.Name, Value = captured.Value ?? DBNull.Value };
        if (captured.NpgsqlDbType is { } type && type != NpgsqlTypes.NpgsqlDbType.Unknown) parameter.NpgsqlDbType = type;
        else if (captured.DataTypeName is { Length: > 0 } name) parameter.DataTypeName = name;
        else if (captured.Value is not null && captured.Value is not DBNull) parameter.DbType = captured.DbType;
        return parameter;
    }

    /// <summary>
    /// False for a sent parameter whose captured value cannot be sent again as the application sent it:
    /// a stream or reader was consumed (and may be disposed) by the application's own command.
    /// Such a command is explained as a generic plan, without values (issue #11).
    /// </summary>
    public static bool CanRebind(CapturedParameter captured)
        => captured.Value is not (System.IO.Stream or System.IO.TextReader);

    /// <summary>True for parameters the server receives (not output or return values).</summary>
    public static bool IsSent(CapturedParameter captured)
        => captured.Direction is ParameterDirection.Input or ParameterDirection.InputOutput;
}
