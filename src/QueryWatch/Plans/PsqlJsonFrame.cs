namespace QueryWatch.Plans;

/// <summary>
/// Finds the JSON inside what psql prints around it: a <c>QUERY PLAN</c> header and dashes line
/// before it, <c>(1 row)</c> (localized) after it, and in aligned output a <c>+</c> at the end of
/// every line of a multi-line cell. JSON never ends a line with <c>+</c> (strings cannot span lines
/// and no number ends in it), so a trailing <c>+</c> is always psql's.
/// </summary>
internal static class PsqlJsonFrame
{
    /// <summary>True when some line ends in psql's continuation mark, or psql's unicode or border-2 framing may be there.</summary>
    public static bool HasContinuationMarks(ReadOnlySpan<byte> input) => NextContinuationMark(input, 0) >= 0 || input.IndexOfAny((byte)'|', (byte)0xE2) >= 0;

    /// <summary>
    /// Overwrites the frame of psql's other styles with spaces, so byte offsets stay those of the input:
    /// <c>\pset border 2</c> bars (<c>|</c>, or <c>│</c> with <c>linestyle unicode</c>) at both ends of a line,
    /// and <c>↵</c>, the unicode style's continuation mark. A JSON line never starts with a bar nor
    /// ends with one or an arrow (strings cannot span lines), so these are always psql's.
    /// </summary>
    public static void BlankFrame(Span<byte> buffer)
    {
        var start = 0;
        while (start < buffer.Length)
        {
            var nl = buffer[start..].IndexOf((byte)'\n');
            var end = nl < 0 ? buffer.Length : start + nl;
            var line = buffer[start..end];
            var first = line.IndexOfAnyExcept(" \t\r"u8);
            var barred = false;
            if (first >= 0 && line[first] == (byte)'|') { line[first] = (byte)' '; barred = true; }
            else if (first >= 0 && line[first..].StartsWith("\u2502"u8)) { line.Slice(first, 3).Fill((byte)' '); barred = true; }
            var last = line.LastIndexOfAnyExcept(" \t\r"u8);
            if (barred && last >= 0 && line[last] == (byte)'|') line[last] = (byte)' ';
            else if (barred && last >= 2 && line[..(last + 1)].EndsWith("\u2502"u8)) line.Slice(last - 2, 3).Fill((byte)' ');
            last = line.LastIndexOfAnyExcept(" \t\r"u8);
            if (last >= 2 && line[..(last + 1)].EndsWith("\u21B5"u8)) line.Slice(last - 2, 3).Fill((byte)' ');
            start = end + 1;
        }
    }

    /// <summary>
    /// Undoes a CSV export of psql's output (<c>\pset format csv</c>, a GUI's "copy as CSV"): the plan is
    /// one quoted field, its quotes doubled. Only when a doubled quote opens a JSON name (<c>""Plan""</c>).
    /// </summary>
    public static string UnquoteCsv(string input)
    {
        if (!input.Contains("\"\"Plan\"\"", StringComparison.Ordinal) && !input.Contains("\"\"Node Type\"\"", StringComparison.Ordinal)) return input;
        var open = input.IndexOf("\"[", StringComparison.Ordinal);
        var text = open >= 0 ? string.Concat(input.AsSpan(0, open), " ", input.AsSpan(open + 1)) : input;
        return text.Replace("\"\"", "\"", StringComparison.Ordinal);
    }

    /// <summary>Overwrites each continuation mark with a space, so byte offsets stay those of the input.</summary>
    public static void BlankContinuationMarks(Span<byte> buffer)
    {
        for (var i = NextContinuationMark(buffer, 0); i >= 0; i = NextContinuationMark(buffer, i + 1))
            buffer[i] = (byte)' ';
    }

    /// <summary>
    /// Offset of the first line at or after <paramref name="from"/> whose first non-blank byte opens
    /// a JSON array or object; -1 when there is none.
    /// </summary>
    public static int FindJsonStart(ReadOnlySpan<byte> input, int from)
    {
        var atLineStart = true;
        for (var i = from; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)'\n')
            {
                atLineStart = true;
                continue;
            }
            if (!atLineStart || b is (byte)' ' or (byte)'\t' or (byte)'\r') continue;
            if (b is (byte)'[' or (byte)'{') return i;
            if (b == 0xEF && i + 2 < input.Length && input[i + 1] == 0xBB && input[i + 2] == 0xBF)
            {
                i += 2; // UTF-8 byte order mark, as Windows editors save a pasted plan
                continue;
            }
            atLineStart = false;
        }
        return -1;
    }

    private static int NextContinuationMark(ReadOnlySpan<byte> input, int from)
    {
        while (from < input.Length)
        {
            var i = input[from..].IndexOf((byte)'+');
            if (i < 0) return -1;
            i += from;
            if (OnlyBlanksToLineEnd(input, i + 1)) return i;
            from = i + 1;
        }
        return -1;
    }

    private static bool OnlyBlanksToLineEnd(ReadOnlySpan<byte> input, int i)
    {
        for (; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)'\n') return true;
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        }
        return true;
    }
}
