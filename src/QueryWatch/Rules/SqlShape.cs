using System.Text;
using System.Text.RegularExpressions;

namespace QueryWatch.Rules;

/// <summary>
/// The few facts rules read from the SQL text: enough lexing to blank out comments, string
/// literals and quoted identifiers, then keyword patterns. Never throws; no SQL gives <see cref="None"/>.
/// </summary>
internal sealed partial class SqlShape
{
    public static readonly SqlShape None = new("");

    private SqlShape(string code)
    {
        HasSql = code.Length > 0;
        DistinctUnderLimitOne = HasSql && SelectDistinct().IsMatch(code) && LimitOne().IsMatch(code) && !Offset().IsMatch(code);
        DistinctInsideExists = HasSql && ExistsDistinct().IsMatch(code);
        DistinctInsideIn = HasSql && InDistinct().IsMatch(code);
        NotInSubquery = HasSql && NotIn().IsMatch(code);
        OrExists = HasSql && OrExistsPattern().IsMatch(code);
    }

    public bool HasSql { get; }

    /// <summary><c>SELECT DISTINCT [ON (…)] … LIMIT 1</c> without OFFSET.</summary>
    public bool DistinctUnderLimitOne { get; }

    /// <summary><c>EXISTS (SELECT DISTINCT …)</c>.</summary>
    public bool DistinctInsideExists { get; }

    /// <summary><c>IN (SELECT DISTINCT …)</c>.</summary>
    public bool DistinctInsideIn { get; }

    /// <summary><c>NOT IN (SELECT …)</c>.</summary>
    public bool NotInSubquery { get; }

    /// <summary><c>OR [NOT] EXISTS (…)</c> or <c>EXISTS (…) OR</c>.</summary>
    public bool OrExists { get; }

    public static SqlShape Of(string? sql) => string.IsNullOrWhiteSpace(sql) ? None : new SqlShape(Blank(sql));

    /// <summary>Comments, literals and quoted identifiers become spaces so that keywords inside them never match.</summary>
    private static string Blank(string sql)
    {
        var sb = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                sb.Append(' ');
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                // PostgreSQL block comments nest.
                var depth = 0;
                while (i < sql.Length)
                {
                    if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { depth++; i += 2; }
                    else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/') { i += 2; if (--depth == 0) break; }
                    else i++;
                }
                sb.Append(' ');
            }
            else if (c is '\'' or '"')
            {
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == c)
                    {
                        if (i + 1 < sql.Length && sql[i + 1] == c) { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                i++;
                sb.Append(c == '"' ? " q " : " '' ");
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
                sb.Append(" '' ");
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    private static string? DollarTag(string sql, int start)
    {
        // $tag$ or $$, but not a parameter placeholder like $1.
        var j = start + 1;
        while (j < sql.Length && (char.IsLetter(sql[j]) || sql[j] == '_' || (j > start + 1 && char.IsDigit(sql[j])))) j++;
        return j < sql.Length && sql[j] == '$' ? sql[start..(j + 1)] : null;
    }

    [GeneratedRegex(@"\bSELECT\s+DISTINCT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelectDistinct();

    [GeneratedRegex(@"\bLIMIT\s+(1|\$1|@\w+|\?)\s*(;|\)|$|FOR\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LimitOne();

    [GeneratedRegex(@"\bOFFSET\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Offset();

    [GeneratedRegex(@"\bEXISTS\s*\(\s*SELECT\s+DISTINCT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExistsDistinct();

    [GeneratedRegex(@"\bIN\s*\(\s*SELECT\s+DISTINCT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InDistinct();

    [GeneratedRegex(@"\bNOT\s+IN\s*\(\s*SELECT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotIn();

    [GeneratedRegex(@"\bOR\s+(NOT\s+)?EXISTS\s*\(|\bEXISTS\s*\((?>[^()]+|\((?<d>)|\)(?<-d>))*(?(d)(?!))\)\s*OR\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrExistsPattern();
}
