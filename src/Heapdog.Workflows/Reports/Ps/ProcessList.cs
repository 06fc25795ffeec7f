using System.Diagnostics;
using Heapdog.Inspector;
using Heapdog.Processes;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary>The Node processes on this host, read from /proc (and pm2, when it is installed) without touching them.</summary>
public static class ProcessList
{
    /// <summary>How long CPU time is measured over.</summary>
    public static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>Finds the processes (only <paramref name="pid"/> when given), waits <see cref="CpuWindow"/> to measure
    /// their CPU, and drops any that exited or were replaced meanwhile. Pods are looked up under
    /// <paramref name="podsRoot"/> (<see cref="KubeletPods.Root"/> when null). With <paramref name="workers"/>, also lists
    /// each process's worker threads, which takes an inspector session (<see cref="ReadWorkersAsync"/>).</summary>
    public static async Task<IReadOnlyList<ProcessListEntry>> ReadAsync(CancellationToken ct, string? podsRoot = null, int? pid = null, bool workers = false)
    {
        string pods = KubeletPods.Root(podsRoot);
        var pm2 = Pm2Client.ListAsync(ct);
        var first = NodeProcessFinder.FindAll().Where(p => pid is null || p.Pid == pid).ToList();
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
        if (!workers) return rows;
        var listed = new List<ProcessListEntry>(rows.Count);
        foreach (var row in rows)
        {
            var (threads, error) = await ReadWorkersAsync(row.Info.Pid, ct);
            listed.Add(row with { Workers = threads, WorkersError = error });
        }
        return listed;
    }

    /// <summary>
    /// The worker threads of <paramref name="pid"/>: Node lists them only to an inspector session (<c>NodeWorker</c>),
    /// so this attaches as <c>snapshot</c> does (SIGUSR1 when the inspector is off, loopback only, the dead man's
    /// switch), reads the list and detaches at once, closing an inspector it opened. A process that cannot be attached
    /// gives its reason instead of a list.
    /// </summary>
    public static async Task<(IReadOnlyList<PsResult.PsWorker>? Workers, string? Error)> ReadWorkersAsync(int pid, CancellationToken ct)
    {
        try
        {
            await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = pid }, ct);
            var workers = await process.Connection.ListWorkersAsync(ct);
            return ([.. workers.Select(w => new PsResult.PsWorker(w.WorkerId, w.Title, w.Url))], null);
        }
        catch (InspectorException ex)
        {
            return (null, ex.Message);
        }
    }
}
