namespace Heapdog.Server.Tests;

/// <summary>
/// The API tests share one <see cref="SnapshotFixtures"/> (each snapshot made once per run) and run one at a time, as
/// each hosts a server watching real Node processes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SnapshotCollection : ICollectionFixture<SnapshotFixtures>
{
    public const string Name = "Real snapshots";
}
