namespace Heapdog.Monitoring.Fleet;

/// <summary>Where a remote job stands: the <c>state</c> column of the store's <c>remote_jobs</c> table. Stored, so never
/// renamed.</summary>
public static class RemoteJobState
{
    /// <summary>Waiting for its host's agent to ask for work.</summary>
    public const string Queued = "queued";

    /// <summary>Handed to the agent, which runs it (a capture: takes and uploads the snapshot).</summary>
    public const string Running = "running";

    /// <summary>A capture whose snapshot arrived whole and checked: the server registers and analyses it.</summary>
    public const string Uploaded = "uploaded";

    public const string Done = "done";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Done, failed or cancelled: nothing more happens to it.</summary>
    public static bool Ended(string state) => state is Done or Failed or Cancelled;
}
