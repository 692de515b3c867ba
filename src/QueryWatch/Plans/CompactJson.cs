using System.Buffers;
using System.Text;

namespace QueryWatch.Plans;

/// <summary>Turns a slice of (valid) JSON into one line without insignificant whitespace, for <c>Extra</c> values.</summary>
internal static class CompactJson
{
    public static string ToText(ReadOnlySpan<byte> json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var length = 0;
            var inString = false;
            var escaped = false;
            foreach (var b in json)
            {
                if (inString)
                {
                    if (escaped) escaped = false;
                    else if (b == (byte)'\\') escaped = true;
                    else if (b == (byte)'"') inString = false;
                }
                else if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }
                else if (b == (byte)'"')
                {
                    inString = true;
                }
                rented[length++] = b;
            }
            return Encoding.UTF8.GetString(rented, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
