namespace Heapdog.Workflows.Tests;

/// <summary>The tests that read real snapshots share one <see cref="SnapshotFixtures"/> (each snapshot made once per run).</summary>
[CollectionDefinition(Name)]
public sealed class SnapshotCollection : ICollectionFixture<SnapshotFixtures>
{
    public const string Name = "Real snapshots";
}
