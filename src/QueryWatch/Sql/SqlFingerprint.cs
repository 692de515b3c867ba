namespace QueryWatch.Sql;

/// <summary>
/// A statement's shape: the normalized SQL (see <see cref="SqlNormalizer"/> for the rules; every
/// constant and placeholder becomes <c>$n</c>, lists of them <c>$n /*, ... */</c>) and a stable
/// 64-bit id over the normalized tokens. Statements pg_stat_statements would group together get
/// one id; the id is the same in every process and run. Never throws; linear in the input.
/// </summary>
/// <param name="Id">The stable id.</param>
/// <param name="Normalized">The normalized SQL on one line; never holds a literal or parameter value.</param>
internal sealed record SqlFingerprint(ulong Id, string Normalized)
{
    /// <summary>The id as 16 lower-case hex digits, as logs and the CLI print it.</summary>
    public string IdHex => Id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Normalizes <paramref name="sql"/> and computes its id (null reads as empty).</summary>
    public static SqlFingerprint Compute(string? sql)
    {
        var normalizer = new SqlNormalizer(sql ?? "", writeText: true);
        try
        {
            normalizer.Run();
            return new SqlFingerprint(normalizer.Id, normalizer.GetText());
        }
        finally
        {
            normalizer.Dispose();
        }
    }

    /// <summary>The id <see cref="Compute"/> would give, without building the text or allocating.</summary>
    public static ulong ComputeId(ReadOnlySpan<char> sql) =>
        BitConverter.IsLittleEndian ? FingerprintScanner.ComputeId(sql) : ComputeIdByNormalizing(sql);

    /// <summary>The reference path: <see cref="SqlNormalizer"/> without text, on any host.</summary>
    internal static ulong ComputeIdByNormalizing(ReadOnlySpan<char> sql)
    {
        var normalizer = new SqlNormalizer(sql, writeText: false);
        normalizer.Run();
        return normalizer.Id;
    }
}
