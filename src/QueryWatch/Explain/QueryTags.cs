using System.Globalization;

namespace QueryWatch.Explain;

/// <summary>
/// Reads QueryWatch's per-query directives from EF's <c>TagWith</c> text, which EF writes as
/// leading <c>-- </c> comment lines before the statement. Read only for a command already over
/// the global threshold, so the hot path never scans text.
/// </summary>
internal readonly record struct QueryTags(bool Ignore, TimeSpan? Threshold, string? Tag)
{
    private const string IgnoreDirective = "querywatch:ignore";
    private const string ThresholdDirective = "querywatch:threshold=";

    /// <summary>The directives in the leading comment lines of <paramref name="sql"/>; none when it has no tag.</summary>
    public static QueryTags Read(string sql)
    {
        var text = sql.AsSpan();
        var ignore = false;
        TimeSpan? threshold = null;
        var tagStart = -1;
        var tagEnd = 0;
        var position = 0;
        while (position < text.Length)
        {
            var rest = text[position..];
            var lineLength = rest.IndexOf('\n');
            var line = lineLength < 0 ? rest : rest[..lineLength];
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("--", StringComparison.Ordinal)) break;
            if (tagStart < 0) tagStart = position;
            tagEnd = position + line.Length;
            ReadDirectives(trimmed[2..], ref ignore, ref threshold);
            if (lineLength < 0) break;
            position += lineLength + 1;
        }

        var tag = tagStart < 0 ? null : text[tagStart..tagEnd].ToString().TrimEnd();
        return new QueryTags(ignore, threshold, tag);
    }

    private static void ReadDirectives(ReadOnlySpan<char> comment, ref bool ignore, ref TimeSpan? threshold)
    {
        var at = comment.IndexOf("querywatch:", StringComparison.OrdinalIgnoreCase);
        while (at >= 0)
        {
            var directive = comment[at..];
            if (directive.StartsWith(IgnoreDirective, StringComparison.OrdinalIgnoreCase))
            {
                ignore = true;
            }
            else if (directive.StartsWith(ThresholdDirective, StringComparison.OrdinalIgnoreCase))
            {
                var value = directive[ThresholdDirective.Length..];
                var end = value.IndexOfAny(' ', '\t', ',');
                if (end >= 0) value = value[..end];
                value = value.TrimEnd(['\r', ';']);
                if (TryParseDuration(value, out var parsed)) threshold = parsed;
            }

            var next = directive[1..].IndexOf("querywatch:", StringComparison.OrdinalIgnoreCase);
            at = next < 0 ? -1 : at + 1 + next;
        }
    }

    /// <summary>Reads <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or a TimeSpan (<c>00:00:05</c>); false for anything else.</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> value, out TimeSpan duration)
    {
        duration = default;
        if (value.IsEmpty) return false;
        var unitStart = value.Length;
        while (unitStart > 0 && char.IsAsciiLetter(value[unitStart - 1])) unitStart--;
        var unit = value[unitStart..];
        var number = value[..unitStart];
        if (unit.IsEmpty || number.IsEmpty)
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0) return false;
        double? milliseconds =
            unit.Equals("ms", StringComparison.OrdinalIgnoreCase) ? amount
            : unit.Equals("s", StringComparison.OrdinalIgnoreCase) ? amount * 1000
            : unit.Equals("m", StringComparison.OrdinalIgnoreCase) || unit.Equals("min", StringComparison.OrdinalIgnoreCase) ? amount * 60_000
            : unit.Equals("h", StringComparison.OrdinalIgnoreCase) ? amount * 3_600_000
            : null;
        if (milliseconds is not { } ms || ms > TimeSpan.MaxValue.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
