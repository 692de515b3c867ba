using System.Globalization;
using System.Text;

namespace QueryWatch.Cli.Report;

/// <summary>Text made safe for an HTML page: every statement, message and plan line can hold <c>&lt;</c>, <c>&amp;</c> or quotes.</summary>
internal static class Html
{
    /// <summary>Appends <paramref name="text"/> encoded for element content and quoted attribute values alike.</summary>
    public static StringBuilder AppendEncoded(this StringBuilder html, string? text)
    {
        if (text is null) return html;
        foreach (var c in text)
        {
            switch (c)
            {
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '&': html.Append("&amp;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                // Control characters other than line breaks and tabs have no place in a page.
                case < ' ' when c is not ('\n' or '\r' or '\t'): html.Append('\uFFFD'); break;
                default: html.Append(c); break;
            }
        }
        return html;
    }

    public static string Encode(string? text) => new StringBuilder().AppendEncoded(text).ToString();

    /// <summary>A duration for people: <c>850 ms</c>, <c>12.4 s</c>, <c>3 min 05 s</c>, <c>2 h 07 min</c>.</summary>
    public static string Duration(double ms)
    {
        var c = CultureInfo.InvariantCulture;
        if (ms < 1000) return ms.ToString(ms < 10 ? "0.##" : "0", c) + " ms";
        var seconds = ms / 1000;
        if (seconds < 60) return seconds.ToString("0.#", c) + " s";
        var whole = (long)Math.Round(seconds);
        if (whole < 3600) return (whole / 60).ToString(c) + " min " + (whole % 60).ToString("00", c) + " s";
        return (whole / 3600).ToString(c) + " h " + (whole % 3600 / 60).ToString("00", c) + " min";
    }

    /// <summary>A moment in UTC, to the second: <c>2026-12-04 18:20:05 UTC</c>.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
