namespace Heapdog.Inspector;

/// <summary>
/// A function that allocated memory still live at the end of sampling: <see cref="Bytes"/> is the sampled estimate of
/// those bytes, <see cref="Line"/>/<see cref="Column"/> are 1-based (0 when V8 gives no position).
/// </summary>
public sealed record AllocationSite(string FunctionName, string Url, int Line, int Column, long Bytes, int Samples);
