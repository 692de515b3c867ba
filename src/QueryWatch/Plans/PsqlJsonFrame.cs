namespace QueryWatch.Plans;

/// <summary>
/// Finds the JSON inside what psql prints around it: a <c>QUERY PLAN</c> header and dashes line
/// before it, <c>(1 row)</c> (localized) after it, and in aligned output a <c>+</c> at the end of
/// every line of a multi-line cell. JSON never ends a line with <c>+</c> (strings cannot span lines
/// and no number ends in it), so a trailing <c>+</c> is always psql's.
/// </summary>
internal static class PsqlJsonFrame
{
    /// <summary>True when some line ends in psql's continuation mark.</summary>
    public static bool HasContinuationMarks(ReadOnlySpan<byte> input) => NextContinuationMark(input, 0) >= 0;

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
