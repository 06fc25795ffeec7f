namespace Heapdog.Monitoring.Store;

/// <summary>The names of the sample figures as stored, in the order an agent's batch rows carry them (docs/fleet.md).</summary>
public static class SampleColumnNames
{
    public static IReadOnlyList<string> All { get; } = [.. SampleColumns.All.Select(c => c.Name)];
}
