using System.Globalization;

namespace QueryWatch.Explain.Store;

/// <summary>Schema <c>querywatch</c> is missing or older than this build, and <see cref="StoreOptions.CreateSchema"/> is off.</summary>
internal sealed class StoreSchemaMissingException(int version) : Exception(version == 0
    ? "schema querywatch is not there"
    : string.Create(CultureInfo.InvariantCulture, $"schema querywatch is at version {version}, this build needs {StoreSchema.CurrentVersion}"))
{
    public int Version { get; } = version;
}
