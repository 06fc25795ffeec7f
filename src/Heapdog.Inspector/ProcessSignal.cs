using System.Runtime.InteropServices;
using Heapdog.Processes;

namespace Heapdog.Inspector;

/// <summary>Signals a process (SIGUSR1 opens Node's inspector), with the kernel's refusals as inspector errors.</summary>
internal static class ProcessSignal
{
    public const int SigUsr1 = 10;
    private const int Eperm = 1;
    private const int Esrch = 3;

    /// <summary>Sends <paramref name="signal"/>; maps ESRCH and EPERM to the inspector's error kinds.</summary>
    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) == 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Esrch => new InspectorException(InspectorErrorKind.ProcessGone, $"no process with pid {pid}"),
            Eperm => new InspectorException(InspectorErrorKind.PermissionDenied,
                $"not permitted to signal pid {pid} ({ProcessReader.TryReadComm(pid) ?? "?"}): run Heapdog as the process's user or as root (signalling another user's process needs CAP_KILL)"),
            _ => new InspectorException(InspectorErrorKind.PermissionDenied, $"cannot signal pid {pid}: errno {errno}"),
        };
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
