using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using QueryWatch.Rewrites;

namespace QueryWatch.Explain;

/// <summary>Copies what the worker needs out of a finished command. Runs only for a command already chosen for capture.</summary>
internal static class CommandCapture
{
    /// <summary>Bytes counted for any parameter value beyond its payload (and for a scalar such as an int or a Guid).</summary>
    private const int ValueOverhead = 24;

    public static CapturedCommand Snapshot(DbCommand command, CommandOutcome outcome, TimeSpan duration, string? commandSource, string? tag, RewriteSettings? rewrites = null,
        int maxParameterBytes = int.MaxValue)
    {
        var source = command.Parameters;
        var parameters = new CapturedParameter[source.Count];
        // Values are kept in order while they fit the command's budget; one that does not is kept as
        // its type and size only, so a 1 MB bytea costs the queue a few bytes, not a megabyte (issue #16).
        long budget = maxParameterBytes;
        long kept = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = source[i];
            var bytes = EstimateBytes(parameter.Value);
            if (bytes >= 0 && bytes <= budget)
            {
                budget -= bytes;
                kept += bytes;
                parameters[i] = Copy(parameter, parameter.Value);
            }
            else
            {
                parameters[i] = Copy(parameter, new OmittedParameterValue(parameter.Value!.GetType().Name, bytes));
                kept += ValueOverhead;
            }
        }

        var sql = command.CommandText ?? "";
        return new CapturedCommand(
            sql,
            parameters,
            outcome,
            duration,
            commandSource,
            tag,
            Activity.Current?.Context ?? default,
            DateTimeOffset.UtcNow,
            rewrites)
        {
            RetainedBytes = 2L * sql.Length + kept,
        };
    }

    /// <summary>
    /// What keeping <paramref name="value"/> costs, in bytes, without copying it: exact for byte arrays and
    /// strings, close for arrays and lists; -1 for a stream or reader, which the application's command
    /// has consumed and which must not be kept at all.
    /// </summary>
    internal static long EstimateBytes(object? value)
    {
        switch (value)
        {
            case null or DBNull:
                return 0;
            case string s:
                return ValueOverhead + 2L * s.Length;
            case byte[] bytes:
                return ValueOverhead + bytes.LongLength;
            case ReadOnlyMemory<byte> memory:
                return ValueOverhead + memory.Length;
            case Memory<byte> memory:
                return ValueOverhead + memory.Length;
            case ArraySegment<byte> segment:
                return ValueOverhead + segment.Count;
            case System.IO.Stream or System.IO.TextReader:
                return -1;
            case Array array:
                return ValueOverhead + (array.GetType().GetElementType() is { IsPrimitive: true } ? Buffer.ByteLength(array) : ElementsBytes(array));
            case System.Collections.ICollection collection:
                return ValueOverhead + ElementsBytes(collection);
            default:
                return ValueOverhead;
        }
    }

    private static long ElementsBytes(System.Collections.IEnumerable items)
    {
        long total = 0;
        foreach (var item in items) total += item is string s ? ValueOverhead + 2L * s.Length : 16;
        return total;
    }

    private static CapturedParameter Copy(DbParameter parameter, object? kept)
    {
        var value = kept switch
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
        // Never a stand-in for the value: a plan for a value the statement did not have would be a wrong plan.
        if (!CanRebind(captured)) throw new ParameterNotKeptException(captured.Name);
        var parameter = new NpgsqlParameter { ParameterName = captured.Name, Value = captured.Value ?? DBNull.Value };
        if (captured.NpgsqlDbType is { } type && type != NpgsqlTypes.NpgsqlDbType.Unknown) parameter.NpgsqlDbType = type;
        else if (captured.DataTypeName is { Length: > 0 } name) parameter.DataTypeName = name;
        else if (captured.Value is not null && captured.Value is not DBNull) parameter.DbType = captured.DbType;
        return parameter;
    }

    /// <summary>
    /// False for a sent parameter whose captured value cannot be sent again as the application sent it:
    /// the value was over the capture's byte budget, or a stream or reader the application's own command
    /// consumed (<see cref="OmittedParameterValue"/>). Such a command is explained with GENERIC_PLAN where
    /// the server has it, or said to be unexplainable (issues #11, #16).
    /// </summary>
    public static bool CanRebind(CapturedParameter captured)
        => captured.Value is not (OmittedParameterValue or System.IO.Stream or System.IO.TextReader);

    /// <summary>True for parameters the server receives (not output or return values).</summary>
    public static bool IsSent(CapturedParameter captured)
        => captured.Direction is ParameterDirection.Input or ParameterDirection.InputOutput;
}
