using System.Diagnostics;
using Heapdog.Inspector;
using Heapdog.Processes;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary>The Node processes on this host, read from /proc (and pm2, when it is installed) without touching them.</summary>
public static class ProcessList
{
    /// <summary>How long CPU time is measured over.</summary>
    public static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>Finds the processes, waits <see cref="CpuWindow"/> to measure their CPU, and drops any that exited or
    /// were replaced meanwhile. Pods are looked up under <paramref name="podsRoot"/> (<see cref="KubeletPods.Root"/> when null).</summary>
    public static async Task<IReadOnlyList<ProcessListEntry>> ReadAsync(CancellationToken ct, string? podsRoot = null)
    {
        string pods = KubeletPods.Root(podsRoot);
        var pm2 = Pm2Client.ListAsync(ct);
        var first = NodeProcessFinder.FindAll();
        var clock = Stopwatch.StartNew();
        await Task.Delay(CpuWindow, ct);
        var rows = new List<ProcessListEntry>(first.Count);
        var apps = await pm2 ?? [];
        foreach (var info in first)
        {
            if (ProcessReader.TryReadStat(info.Pid) is not { } now || now.StartTicks != info.Stat.StartTicks) continue;
            double cpu = (now.UserTicks + now.SystemTicks - info.Stat.UserTicks - info.Stat.SystemTicks)
                         / (double)ProcessReader.TicksPerSecond / clock.Elapsed.TotalSeconds * 100;
            var memory = CgroupMemory.ForPid(info.Pid);
            rows.Add(new ProcessListEntry(info, Math.Round(cpu, 1), memory?.LimitBytes, memory?.UsageBytes,
                await NodeInspector.FindListeningPortAsync(info.Pid, ct),
                apps.FirstOrDefault(a => a.Pid == info.Pid)?.Name, ProcessContainer.Read(info.Pid, pods)));
        }
        return rows;
    }
}
