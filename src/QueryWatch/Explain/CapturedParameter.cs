using System.Data;
using NpgsqlTypes;

namespace QueryWatch.Explain;

/// <summary>One parameter of a captured command, copied when the command ended so later changes cannot leak in.</summary>
/// <param name="Name">The parameter name as the command had it (empty for positional <c>$n</c> parameters).</param>
/// <param name="Value">The value at capture time; arrays are copied.</param>
/// <param name="NpgsqlDbType">The Npgsql type when one was set or inferred.</param>
/// <param name="DataTypeName">PostgreSQL's type name when set explicitly (e.g. <c>integer[]</c>).</param>
/// <param name="DbType">The ADO.NET type.</param>
/// <param name="Direction">Input, output...</param>
internal sealed record CapturedParameter(
    string Name,
    object? Value,
    NpgsqlDbType? NpgsqlDbType,
    string? DataTypeName,
    DbType DbType,
    ParameterDirection Direction);
