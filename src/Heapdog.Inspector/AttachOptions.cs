namespace Heapdog.Inspector;

/// <summary>
/// What to inspect: a local <see cref="Pid"/> (found or activated through /proc and SIGUSR1), or an explicit
/// <see cref="Port"/>/<see cref="Url"/> (a port-forward, say), in which case <see cref="Pid"/> is only checked.
/// </summary>
public sealed record AttachOptions
{
    public int? Pid { get; init; }
    /// <summary>Host of an explicit inspector; defaults to 127.0.0.1 when only <see cref="Port"/> is given.</summary>
    public string? Host { get; init; }
    public int? Port { get; init; }
    /// <summary>An inspector's http:// discovery address or a ws:// session URL.</summary>
    public Uri? Url { get; init; }
    /// <summary>
    /// True when the caller turned the explicit inspector on for this session (SIGUSR1 through <c>kubectl exec</c>):
    /// the session then guards it with the dead man's switch and closes it when done, as for one Heapdog opened itself.
    /// </summary>
    public bool OpenedForSession { get; init; }
    /// <summary>How long to wait for the inspector to come up after SIGUSR1.</summary>
    public TimeSpan ActivationTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
