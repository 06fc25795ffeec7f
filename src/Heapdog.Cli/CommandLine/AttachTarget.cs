using Heapdog.Inspector;
using Heapdog.Workflows.Capture;

namespace Heapdog.Cli.CommandLine;

/// <summary>A command's target, ready to attach: its <see cref="Options"/>, and the <c>kubectl port-forward</c> that
/// carries them when the target was named with <c>--kubectl</c>, ended on dispose.</summary>
internal sealed class AttachTarget(AttachOptions options, KubectlForward? forward) : IAsyncDisposable
{
    public AttachOptions Options { get; } = options;

    public ValueTask DisposeAsync() => forward?.DisposeAsync() ?? ValueTask.CompletedTask;
}
