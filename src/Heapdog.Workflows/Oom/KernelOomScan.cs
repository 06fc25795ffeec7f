using System.Text.Json.Nodes;
using Heapdog.Monitoring.Oom;
using Heapdog.Monitoring.Store;

namespace Heapdog.Workflows.Oom;

/// <summary>
/// Reads the kernel's logs (dmesg, the journal, syslog files) every <see cref="Every"/> for OOM kills of processes in
/// the store and records each as an <c>oom-kill</c> event (<c>heap-oom</c> when a log holds V8's "JavaScript heap out
/// of memory"), so charts mark the deaths that the cgroup counter alone does not explain (the global OOM killer). A death already recorded for the process within
/// <see cref="OomInvestigator.Slack"/> is not recorded twice. Unreadable sources are skipped silently: the
/// dashboard still has the cgroup evidence.
/// </summary>
public static class KernelOomScan
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(IDashboardStore store, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await ScanAsync(store, ct);
            }
            catch (StoreException e) when (e.IsWriteFailure)
            {
                // A full or read-only store (shown by the health): the next scan records what this one could not.
            }
            await Task.Delay(Every, ct);
        }
    }

    public static async Task ScanAsync(IDashboardStore store, CancellationToken ct)
    {
        // This host's kernel logs name this host's processes only: those agents report are theirs to scan.
        var processes = store.Processes().Where(p => p.Host.Length == 0).ToList();
        if (processes.Count == 0) return;
        long since = processes.Min(p => p.FirstSeenMs);
        var reads = await OomSources.ReadKernelAsync(DateTimeOffset.FromUnixTimeMilliseconds(since), ct);
        var events = OomSources.Deduplicate(reads.Where(r => r.Result is not null).SelectMany(r => r.Result!.Events));
        long slack = (long)OomInvestigator.Slack.TotalMilliseconds;
        foreach (var e in events)
        {
            if (e.Pid is not int pid || e.Time is not { } time) continue;
            long at = time.ToUnixTimeMilliseconds();
            if (at < since) continue;
            var victim = processes.FirstOrDefault(p => p.Process.Identity.Pid == pid && p.Process.StartTimeMs <= at + 2000 && p.LastSeenMs >= at - slack);
            if (victim is null) continue;
            if (store.Events(victim.Process.Id, at - slack, at + slack, EventKind.OutOfMemory).Count > 0) continue;
            string detail = new JsonObject
            {
                ["kind"] = e.Kind.ToString(),
                ["source"] = e.Source,
                ["constraint"] = e.Constraint,
                ["anonRssBytes"] = e.AnonRssBytes,
                ["memcgLimitBytes"] = e.MemcgLimitBytes,
                ["reason"] = e.Reason,
            }.ToJsonString();
            store.AddEvent(victim.Process.Id, at, EventKind.Of(e.Kind), detail);
        }
    }
}
