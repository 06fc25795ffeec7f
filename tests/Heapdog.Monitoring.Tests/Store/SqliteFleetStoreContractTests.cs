using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>The fleet's store contract on SQLite: a fresh file per test.</summary>
public sealed class SqliteFleetStoreContractTests : FleetStoreContractTests
{
    private readonly TempDirectory _dir = new();

    public static string? SkipReason => null;

    protected override ISampleStore OpenStore() => SampleStore.Open(_dir.File("store.db"));

    protected override void DisposeStore() => _dir.Dispose();
}
