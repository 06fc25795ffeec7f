using Heapdog.Workflows.Reports.Leaks;

namespace Heapdog.Workflows.Reports.Hunt;

/// <summary>A hunt whose snapshots were kept: the leak report, and the files (oldest first) whose last one the report's
/// <c>@id</c>s name, to inspect further.</summary>
public sealed record HuntResult(int SchemaVersion, IReadOnlyList<string> Snapshots, LeaksResult Report);
