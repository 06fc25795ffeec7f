using System.Text.Json;

namespace Heapdog.Inspector;

/// <summary>
/// The result of a sampling heap profile: <see cref="Profile"/> is the raw <c>SamplingHeapProfile</c> (what DevTools
/// saves as a <c>.heapprofile</c>), <see cref="Sites"/> its self sizes summed per function, largest first.
/// </summary>
public sealed record SampledHeap(JsonElement Profile, IReadOnlyList<AllocationSite> Sites, long TotalBytes, TimeSpan Duration, int SamplingInterval);
