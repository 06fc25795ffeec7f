using System.Reflection;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// Ships the agent's buffer to the server (docs/fleet.md): every interval, and back to back while it catches up, one
/// batch of whole rounds with its sequence; the rows leave the buffer once the server acknowledged the sequence. While the
/// server is away the buffer grows, bounded by <see cref="AgentOptions.BufferSamples"/> (the oldest minutes rolled up,
/// the raw samples dropped counted and shipped as <c>lostSamples</c>).
/// </summary>
public sealed class BatchShipper(AgentOptions options, SampleStore buffer, FleetClient client, VerdictBoard verdicts, Action<string> log)
{
    private static readonly string Version =
        typeof(BatchShipper).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>The agent's id, made once and kept in its buffer: the server's key for its sequence.</summary>
    private string AgentId
    {
        get
        {
            if (buffer.AgentState("agent_id") is { } id) return id;
            string made = Guid.NewGuid().ToString("N");
            buffer.SetAgentState("agent_id", made);
            return made;
        }
    }

    /// <summary>Batches acknowledged since the agent started.</summary>
    public long Shipped { get; private set; }

    /// <summary>Whether the last attempt reached the server.</summary>
    public bool Connected { get; private set; } = true;

    public async Task RunAsync(CancellationToken ct)
    {
        var retry = options.Watch.Interval;
        long lostReported = buffer.LostSamples;
        while (true)
        {
            bool more;
            try
            {
                long dropped = buffer.BoundRawSamples(options.BufferSamples);
                if (dropped > 0) log($"buffer full ({options.BufferSamples} samples): {dropped} oldest raw samples rolled up into per-minute rows and dropped ({buffer.LostSamples} in all)");
                more = await ShipOneAsync(ct);
                if (!Connected)
                {
                    Connected = true;
                    log($"server {client.Server} reached again; catching up ({buffer.BufferedSamples} samples buffered)");
                }
                if (buffer.LostSamples != lostReported)
                {
                    lostReported = buffer.LostSamples;
                    log($"{lostReported} raw samples lost to the buffer's bound so far, reported to the server");
                }
                retry = options.Watch.Interval;
            }
            catch (ServerUnreachableException e)
            {
                if (Connected) log($"server unreachable ({e.Message}); buffering up to {options.BufferSamples} samples and retrying");
                Connected = false;
                more = false;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            if (!more) await Task.Delay(Connected ? options.Watch.Interval : retry, ct);
        }
    }

    /// <summary>Sends the batch in flight or the next; true when the buffer held more than one batch's worth.</summary>
    private async Task<bool> ShipOneAsync(CancellationToken ct)
    {
        var bounds = buffer.NextBatch(options.BatchSamples);
        var (processes, samples, minutes, events) = buffer.ReadBatch(bounds);
        var batch = new AgentBatch(AgentId, bounds.Sequence, options.HostName, Version, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            buffer.LostSamples, [.. SampleColumnNames.All], processes, samples, minutes, events,
            [.. verdicts.Current.Where(v => processes.Any(p => p.Id == v.ProcessId))]);
        var outcome = await client.SendBatchAsync(batch, ct);
        buffer.Acknowledge(bounds, outcome.LastSequence);
        Shipped++;
        return samples.Count >= options.BatchSamples;
    }
}
