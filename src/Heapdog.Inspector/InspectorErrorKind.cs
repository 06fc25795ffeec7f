namespace Heapdog.Inspector;

/// <summary>Why a Node process could not be inspected; lets callers choose an exit code or a retry.</summary>
public enum InspectorErrorKind
{
    /// <summary>No process with that pid, or it exited during the operation.</summary>
    ProcessGone,
    /// <summary>The pid exists but is not a Node.js process (sending it SIGUSR1 could kill it).</summary>
    NotNode,
    /// <summary>The signal or /proc access was refused (another user's process).</summary>
    PermissionDenied,
    /// <summary>SIGUSR1 was delivered but no inspector came up in time (e.g. <c>--disable-sigusr1</c>).</summary>
    ActivationTimedOut,
    /// <summary>
    /// The inspector listens, or would listen after SIGUSR1, on an address other than loopback, where anyone on the network
    /// could use it to run code in the process; Heapdog neither opens nor uses it.
    /// </summary>
    NotLoopback,
    /// <summary>The process is stopped (SIGSTOP, or traced): it could not answer, and a SIGUSR1 would open its inspector later, unwatched.</summary>
    ProcessStopped,
    /// <summary>The inspector port the process would open is held by another process.</summary>
    PortHeld,
    /// <summary>The endpoint answered, but the session reached a different pid than the one asked for.</summary>
    WrongProcess,
    /// <summary>Nothing usable listens at an explicit address, or it is not a Node inspector.</summary>
    NoEndpoint,
    /// <summary>Another Heapdog is already inspecting this process.</summary>
    Busy,
    /// <summary>A command got no reply within its time limit.</summary>
    Timeout,
    /// <summary>The connection closed while a reply was awaited.</summary>
    Disconnected,
    /// <summary>The snapshot the process sent is truncated or inconsistent; no file was kept.</summary>
    BadSnapshot,
    /// <summary>The process answered with a protocol error or an exception in evaluated code.</summary>
    Protocol,
}
