using System.Text;

namespace Heapdog.Inspector.Tests;

public sealed class HeapSnapshotStreamCheckTests
{
    private const string Valid =
        """{"snapshot":{"meta":{"node_fields":["type","name","id"],"edge_fields":["type","name_or_index","to_node"]},"node_count":2,"edge_count":1,"trace_function_count":0},""" +
        "\n\"nodes\":[9,1,1\n,3,2,3],\n\"edges\":[1,1,3],\n\"strings\":[\"<dummy>\",\"a \\\"quoted\\\" name\"]}";

    [Fact]
    public void Complete_ValidSnapshotFedInEveryTwoPieceSplit_AcceptsAndCounts()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Valid);
        for (int split = 0; split <= bytes.Length; split++)
        {
            using var check = new HeapSnapshotStreamCheck();
            check.Append(bytes.AsSpan(0, split));
            check.Append(bytes.AsSpan(split));
            check.Complete().ShouldBeNull($"split at {split}");
            check.NodeCount.ShouldBe(2);
            check.EdgeCount.ShouldBe(1);
            check.StringCount.ShouldBe(2);
        }
    }

    [Fact]
    public void Complete_TruncatedAnywhere_Rejects()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Valid);
        for (int length = 0; length < bytes.Length; length++)
        {
            using var check = new HeapSnapshotStreamCheck();
            check.Append(bytes.AsSpan(0, length));
            check.Complete().ShouldNotBeNull($"truncated to {length} bytes");
        }
    }

    [Theory]
    [InlineData("\"node_count\":2", "\"node_count\":3", "'nodes' holds 6 values, but the header announces 3 nodes of 3 fields")]
    [InlineData("\"edge_count\":1", "\"edge_count\":1.0e0", null)]
    [InlineData("[1,1,3]", "[1,1]", "'edges' holds 2 values, but the header announces 1 edges of 3 fields")]
    [InlineData("]}", "]}]", "the snapshot is not valid JSON")]
    public void Complete_AlteredSnapshot_ReportsWhatIsWrong(string from, string to, string? expected)
    {
        using var check = new HeapSnapshotStreamCheck();
        check.Append(Encoding.UTF8.GetBytes(Valid.Replace(from, to, StringComparison.Ordinal)));
        string? problem = check.Complete();
        if (expected is null) problem.ShouldBeNull();
        else problem.ShouldNotBeNull().ShouldStartWith(expected);
    }
}
