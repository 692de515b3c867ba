using System.Globalization;
using Microsoft.Extensions.Options;
using QueryWatch.Rewrites;

namespace QueryWatch;

/// <summary>Checks <see cref="QueryWatchOptions"/> at start; each error names the property, its value and the fix.</summary>
internal sealed class QueryWatchOptionsValidator : IValidateOptions<QueryWatchOptions>
{
    public ValidateOptionsResult Validate(string? name, QueryWatchOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem with <paramref name="options"/>; empty when they are usable.</summary>
    public static List<string> Check(QueryWatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.SlowCommandThreshold <= TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.SlowCommandThreshold), options.SlowCommandThreshold, "set a positive duration such as 00:00:00.5 (500 ms), or set Enabled to false"));
        if (double.IsNaN(options.SampleRate) || options.SampleRate < 0 || options.SampleRate > 1)
            errors.Add(Invalid(nameof(options.SampleRate), options.SampleRate, "set a share between 0 and 1, e.g. 0.1 to explain one capture in ten"));
        if (options.ExplainCooldown < TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.ExplainCooldown), options.ExplainCooldown, "set zero or a positive duration such as 00:10:00"));
        if (options.MaxExplainsPerMinute < 1)
            errors.Add(Invalid(nameof(options.MaxExplainsPerMinute), options.MaxExplainsPerMinute, "set 1 or more; to stop explaining set Enabled to false or SampleRate to 0"));
        if (options.QueueCapacity < 1)
            errors.Add(Invalid(nameof(options.QueueCapacity), options.QueueCapacity, "set 1 or more, e.g. 256"));
        if (options.ExplainStatementTimeout <= TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.ExplainStatementTimeout), options.ExplainStatementTimeout, "set a positive duration such as 00:00:05"));
        if (options.ExplainConnectionString is { } cs && string.IsNullOrWhiteSpace(cs))
            errors.Add(Invalid(nameof(options.ExplainConnectionString), "(blank)", "set a full connection string, or remove it to explain on the application's own"));
        CheckRewrites(options.Rewrites, errors);
        if (options.ProbeTimeout <= TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.ProbeTimeout), options.ProbeTimeout, "set a positive duration such as 00:00:00.5, or set Probes to false"));
        if (options.InFlightSampleInterval < TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.InFlightSampleInterval), options.InFlightSampleInterval, "set a positive duration such as 00:00:00.5, or zero to turn live sampling off"));
        if (options.MaxCaptureAge <= TimeSpan.Zero)
            errors.Add(Invalid(nameof(options.MaxCaptureAge), options.MaxCaptureAge, "set a positive duration such as 00:01:00"));
        if (options.MaxCapturedParameterBytes < 0)
            errors.Add(Invalid(nameof(options.MaxCapturedParameterBytes), options.MaxCapturedParameterBytes, "set 0 or more bytes, e.g. 262144 (256 KiB); 0 keeps no parameter value"));
        if (options.MaxQueuedBytes < 1)
            errors.Add(Invalid(nameof(options.MaxQueuedBytes), options.MaxQueuedBytes, "set 1 or more bytes, e.g. 16777216 (16 MiB)"));
        if (options.RepeatedStatementThreshold is < 0 or 1)
            errors.Add(Invalid(nameof(options.RepeatedStatementThreshold), options.RepeatedStatementThreshold, "set 2 or more executions of one statement in one DbContext instance, e.g. 20, or 0 to turn the count off"));
        if (options.Store is null)
            errors.Add(Invalid(nameof(options.Store), "null", "leave it unset for no store, or set Store.ConnectionString"));
        else if (options.Store.ConnectionString is { } store && string.IsNullOrWhiteSpace(store))
            errors.Add(Invalid("Store.ConnectionString", "(blank)", "set a full connection string to the database that holds schema querywatch, or remove it to keep the state in the process"));
        if (double.IsNaN(options.BaselineSampleRate) || options.BaselineSampleRate < 0 || options.BaselineSampleRate > 1)
            errors.Add(Invalid(nameof(options.BaselineSampleRate), options.BaselineSampleRate, "set a share between 0 and 1, e.g. 0.0001 to offer one uncaptured command in 10,000 for a baseline plan, or 0 to take none"));
        return errors;
    }

    private static void CheckRewrites(RewriteOptions? rewrites, List<string> errors)
    {
        if (rewrites is null)
        {
            errors.Add(Invalid(nameof(QueryWatchOptions.Rewrites), "null", "leave it unset for the defaults (Mode Off)"));
            return;
        }

        if (!Enum.IsDefined(rewrites.Mode))
            errors.Add(Invalid("Rewrites.Mode", rewrites.Mode, "set Off, Suggest or Apply"));
        if (rewrites.Environments is null || rewrites.Environments.Any(string.IsNullOrWhiteSpace))
            errors.Add(Invalid("Rewrites.Environments", "(null or a blank name)", "list environment names such as Staging"));
        else if (rewrites.Mode == RewriteMode.Apply && rewrites.Environments.Count == 0)
            errors.Add(Invalid("Rewrites.Environments", "(empty)", "list the environments where Apply may rewrite, such as Staging, or set Rewrites.Mode to Suggest"));
        if (rewrites.DisabledRewrites is null)
        {
            errors.Add(Invalid("Rewrites.DisabledRewrites", "null", "list rewrite ids such as RW001, or leave it empty"));
            return;
        }

        foreach (var id in rewrites.DisabledRewrites)
        {
            if (id?.Trim().ToUpperInvariant() is not (RewriteIds.DistinctLimitOne or RewriteIds.DistinctInExists or RewriteIds.DistinctInMembership or RewriteIds.NotInToNotExists))
                errors.Add(Invalid("Rewrites.DisabledRewrites", id ?? "null", "list known rewrite ids: RW001, RW002, RW003, RW004"));
        }
    }

    private static string Invalid(string property, object value, string fix)
        => string.Create(CultureInfo.InvariantCulture, $"QueryWatchOptions.{property} = {value} is not valid: {fix}.");
}
