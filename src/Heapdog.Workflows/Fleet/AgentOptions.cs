using Heapdog.Monitoring.Sampling;

namespace Heapdog.Workflows.Fleet;

/// <summary>How <c>heapdog agent</c> runs (docs/fleet.md).</summary>
public sealed record AgentOptions
{
    public required Uri Server { get; init; }
    public required string Token { get; init; }
    /// <summary>The name this host reports as (default: the machine's name).</summary>
    public required string HostName { get; init; }
    /// <summary>The buffer: a store file, as <c>watch</c>'s, that holds what the server has not acknowledged yet.</summary>
    public required string BufferPath { get; init; }
    /// <summary>The most raw samples the buffer keeps while the server is away; older minutes are rolled up beyond it.</summary>
    public long BufferSamples { get; init; } = DefaultBufferSamples;
    /// <summary>Raw samples per batch at most (whole rounds).</summary>
    public int BatchSamples { get; init; } = 5000;
    /// <summary>Upload speed limit for snapshots, bytes per second; null for none.</summary>
    public long? UploadBytesPerSecond { get; init; }
    public WatchOptions Watch { get; init; } = new();
    /// <summary>Read the runtime's own figures through each process's inspector (as <c>watch --runtime</c>).</summary>
    public bool RuntimeFigures { get; init; }

    /// <summary>200,000 raw samples: about 40 MB of buffer, 14 hours of 20 processes at 5 s.</summary>
    public const long DefaultBufferSamples = 200_000;
}
