using System.Text;
using System.Text.RegularExpressions;
using QueryWatch.Sql;

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
        MinOrMax = HasSql && MinMaxCall().IsMatch(code);
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

    /// <summary>A <c>min(…)</c> or <c>max(…)</c> call somewhere in the statement.</summary>
    public bool MinOrMax { get; }

    [GeneratedRegex(@"\b(min|max)\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MinMaxCall();

    public static SqlShape Of(string? sql) => string.IsNullOrWhiteSpace(sql) ? None : new SqlShape(Blank(sql));

    /// <summary>
    /// Comments, literals and quoted identifiers become neutral stand-ins so that keywords inside
    /// them never match; the SQL toolkit's lexer decides where each one ends (dollar quotes,
    /// nested comments, E'' escapes).
    /// </summary>
    private static string Blank(string sql)
    {
        var sb = new StringBuilder(sql.Length);
        foreach (var token in SqlLexer.Scan(sql, classifyKeywords: false))
        {
            switch (token.Kind)
            {
                case SqlTokenKind.LineComment or SqlTokenKind.BlockComment: sb.Append(' '); break;
                case SqlTokenKind.String: sb.Append(" '' "); break;
                case SqlTokenKind.QuotedIdentifier: sb.Append(" q "); break;
                default: sb.Append(sql, token.Start, token.Length); break;
            }
        }
        return sb.ToString();
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
