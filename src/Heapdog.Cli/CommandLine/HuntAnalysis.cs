namespace Heapdog.Cli.CommandLine;

/// <summary>What <c>hunt</c> does with the snapshots it captured: the <c>heapdog leaks</c> report, same <c>--json</c> shape.</summary>
public static class HuntAnalysis
{
    public static Task<int> RunAsync(IReadOnlyList<string> snapshotPaths, bool json, CliContext context, CancellationToken cancellationToken)
    {
        var files = snapshotPaths.Select(p => new FileInfo(p)).ToArray();
        return Task.FromResult(LeaksCommand.Run(context, new LeaksOptions(files, json, Html: null, Force: false, Top: 10), cancellationToken));
    }
}
