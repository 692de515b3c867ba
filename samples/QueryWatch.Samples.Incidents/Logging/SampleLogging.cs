using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace QueryWatch.Samples.Incidents.Logging;

/// <summary>The sample's logging: QueryWatch's events on the console as an application would print them, and into the recorder.</summary>
internal static class SampleLogging
{
    public static ILoggingBuilder Configure(ILoggingBuilder logging, FindingRecorder recorder) => logging.ClearProviders()
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter<ConsoleLoggerProvider>(FindingRecorder.Category, LogLevel.Information)
        // The sample cancels queries on purpose; EF would log each as an error.
        .AddFilter<ConsoleLoggerProvider>("Microsoft.EntityFrameworkCore", LogLevel.None)
        .AddProvider(recorder)
        .AddFilter<FindingRecorder>(FindingRecorder.Category, LogLevel.Debug);
}
