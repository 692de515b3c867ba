using System.Diagnostics;

namespace QueryWatch.Diagnostics;

/// <summary>The <c>QueryWatch</c> activity source: one span per out-of-band explain.</summary>
internal static class QueryWatchActivity
{
    public const string SourceName = "QueryWatch";

    public static readonly ActivitySource Source = new(SourceName, typeof(QueryWatchActivity).Assembly.GetName().Version?.ToString());
}
