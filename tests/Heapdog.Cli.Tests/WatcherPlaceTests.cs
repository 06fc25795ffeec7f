using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;

namespace Heapdog.Cli.Tests;

/// <summary>The watcher (of <c>watch</c>, <c>serve</c> and <c>agent</c>) reads a process's container and pod again as it
/// goes: a real node in its own namespaces and cgroup (<see cref="NamespacedNode"/>), the kubelet's pod tree written
/// only after the watcher first saw it.</summary>
public sealed class WatcherPlaceTests
{
    [NamespacesFact]
    public async Task Watcher_PodTreeWrittenAfterTheProcessWasSeen_ContainerAndPodTakenUp()
    {
        using var node = NamespacedNode.Start("steady.js", 800_000_000);
        await node.ReadyAsync();
        using var dir = new TempDirectory();
        string podsRoot = dir.File("pods");
        Directory.CreateDirectory(podsRoot);
        using var store = SampleStore.Open(dir.File("s.db"));
        var options = new WatchOptions
        {
            Pids = [node.NodePid], Interval = TimeSpan.FromMilliseconds(200), PodsRoot = podsRoot, PlaceEvery = TimeSpan.FromMilliseconds(500),
        };
        var watcher = new Watcher(options, store, new ProcessSampler(null), []);
        using var stop = new CancellationTokenSource();
        (await watcher.StartAsync(stop.Token)).ShouldBeEmpty();
        var running = watcher.RunAsync(stop.Token);
        try
        {
            // First seen without the pod tree: the runtime and id from the cgroup, the pod's name from its hostname.
            var first = Stores.DashboardOf(store).Processes().ShouldHaveSingleItem();
            (first.Container, first.Pod).ShouldBe(($"containerd:{node.ContainerId[..12]}", node.PodName));

            foreach (string file in Directory.EnumerateFiles(node.PodsRoot, "*", SearchOption.AllDirectories))
            {
                string copy = Path.Combine(podsRoot, Path.GetRelativePath(node.PodsRoot, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            var deadline = DateTime.UtcNow.AddSeconds(60);
            StoredProcess now;
            while ((now = Stores.DashboardOf(store).Processes().ShouldHaveSingleItem()).Container != node.ContainerName && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            (now.Container, now.Pod).ShouldBe((node.ContainerName, $"{node.PodNamespace}/{node.PodName}"));
        }
        finally
        {
            await stop.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(running);
        }
    }
}
