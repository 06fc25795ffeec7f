namespace Heapdog.Snapshot.Tests;

/// <summary>The locations V8 writes in an order of its own, sorted by node ordinal for lookups.</summary>
public sealed class SourceLocationsTests
{
    [Theory]
    [InlineData(1_000)]      // one 16-bit pass
    [InlineData(300_000)]    // ordinals above 65535: two passes
    public void SortedByOrdinal_AnyOrder_SameAsAStableSort(int nodeCount)
    {
        var random = new Random(nodeCount);
        int count = 20_000;
        // Repeated ordinals (by the column, which records the order written) show that equal ones keep their order.
        var ordinals = Enumerable.Range(0, count).Select(_ => random.Next(nodeCount)).ToArray();
        var locations = Enumerable.Range(0, count).Select(i => new SourceLocation(1, ordinals[i], i)).ToArray();
        var expected = locations.OrderBy(l => l.Line).ToArray();

        var sorted = SourceLocations.SortedByOrdinal(ordinals, locations, nodeCount);

        sorted.Ordinals.ToArray().ShouldBe(expected.Select(l => l.Line).ToArray());
        sorted.Locations.ToArray().ShouldBe(expected);
        sorted.TryGet(expected[^1].Line, out var last).ShouldBeTrue();
        last.Line.ShouldBe(expected[^1].Line);
    }

    [Fact]
    public void SortedByOrdinal_AlreadyInOrder_Unchanged()
    {
        int[] ordinals = [0, 3, 3, 70_000, 250_000];
        var locations = ordinals.Select((o, i) => new SourceLocation(2, o, i)).ToArray();

        var sorted = SourceLocations.SortedByOrdinal([.. ordinals], [.. locations], 300_000);

        sorted.Ordinals.ToArray().ShouldBe(ordinals);
        sorted.Locations.ToArray().ShouldBe(locations);
    }
}
