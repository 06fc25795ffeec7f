using Heapdog.Inspector;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>Reaching a live Node process through its inspector, with the inspector's failures as <see cref="ErrorKind"/>s.</summary>
public static class ProcessAttach
{
    /// <summary>The pid whose memory and cgroup are on this host, when the target was named by pid alone.</summary>
    public static int? LocalPid(AttachOptions options) => options.Port is null && options.Url is null ? options.Pid : null;

    public static async Task<InspectedProcess> AttachAsync(AttachOptions options, IWorkProgress progress, CancellationToken cancellationToken)
    {
        progress.Report(options.Pid is int pid ? $"attaching to pid {pid}" : "attaching", -1);
        try
        {
            return await NodeInspector.AttachAsync(options, cancellationToken);
        }
        catch (InspectorException ex)
        {
            throw Translate(ex);
        }
    }

    public static HeapdogException Translate(InspectorException ex) => new(ex.Kind switch
    {
        InspectorErrorKind.BadSnapshot => ErrorKind.Malformed,
        InspectorErrorKind.PermissionDenied => ErrorKind.NotPermitted,
        InspectorErrorKind.NotLoopback => ErrorKind.NotPermitted,
        _ => ErrorKind.ProcessUnavailable,
    }, ex.Message, ex);
}
