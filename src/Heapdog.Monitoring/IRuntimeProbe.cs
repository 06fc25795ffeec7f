using Heapdog.Processes;

namespace Heapdog.Monitoring;

/// <summary>
/// Reads a process's runtime figures through one long-lived inspector session per process (opened on first use, kept
/// until <see cref="Forget"/> or disposal). Only used when the user asks for runtime figures: opening the inspector
/// writes "Debugger attached." to the target's stderr and leaves a port open while attached.
/// </summary>
public interface IRuntimeProbe : IAsyncDisposable
{
    /// <summary>The figures now, or null when the process cannot be reached (the watcher then goes on with /proc only).</summary>
    Task<RuntimeFigures?> ReadAsync(ProcessIdentity process, CancellationToken ct);

    /// <summary>Closes the session of a process that exited or is no longer watched.</summary>
    ValueTask Forget(ProcessIdentity process);
}
