namespace Heapdog.Snapshot.Tests; public class PlaceholderTests { [Fact] public void Builds() => true.ShouldBeTrue(); }
