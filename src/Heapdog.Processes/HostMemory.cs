namespace Heapdog.Processes;

/// <summary>The host's memory from <c>/proc/meminfo</c>, in bytes. <see cref="AvailableBytes"/> is MemAvailable: what can
/// be allocated without swapping (-1 on kernels older than 3.14).</summary>
public sealed record HostMemory(long TotalBytes, long AvailableBytes, long FreeBytes, long SwapTotalBytes, long SwapFreeBytes)
{
    public static HostMemory? Read() => ProcessReader.TryReadText("/proc/meminfo") is { } text ? Parse(text) : null;

    /// <summary>Parses meminfo text; null when MemTotal is missing.</summary>
    public static HostMemory? Parse(string text)
    {
        long total = -1, available = -1, free = -1, swapTotal = -1, swapFree = -1;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            long value = ProcStatus.Kib(line[(colon + 1)..].Trim());
            switch (line[..colon])
            {
                case "MemTotal": total = value; break;
                case "MemAvailable": available = value; break;
                case "MemFree": free = value; break;
                case "SwapTotal": swapTotal = value; break;
                case "SwapFree": swapFree = value; break;
            }
        }
        return total < 0 ? null : new HostMemory(total, available, free, swapTotal, swapFree);
    }
}
