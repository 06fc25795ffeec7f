namespace Heapdog.Workflows.Fleet;

/// <summary>How much of a job's upload the server holds: an agent resumes at <see cref="Offset"/>.</summary>
public sealed record UploadState(long JobId, long Offset, bool Complete);
