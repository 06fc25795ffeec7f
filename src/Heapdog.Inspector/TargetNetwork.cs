using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.InteropServices;

namespace Heapdog.Inspector;

/// <summary>
/// The network namespace a target's inspector listens in, when it is not ours (a container's): its sockets are made
/// inside that namespace, so its loopback is reached without publishing, forwarding or opening any port on the host.
/// </summary>
/// <remarks>
/// <c>setns(2)</c> moves only the calling thread, so each socket is created on a thread of its own that enters the
/// namespace, creates the socket and goes back before it ends; a socket keeps the namespace it was made in for its life.
/// </remarks>
public sealed class TargetNetwork
{
    private const int CloneNewNet = 0x40000000;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Eacces = 13;

    private TargetNetwork(int pid, string namespaceId)
    {
        Pid = pid;
        NamespaceId = namespaceId;
    }

    /// <summary>The host pid whose namespace this is.</summary>
    public int Pid { get; }

    /// <summary>The namespace as the kernel names it, <c>net:[4026532456]</c>.</summary>
    public string NamespaceId { get; }

    /// <summary>
    /// <paramref name="pid"/>'s network namespace when it differs from Heapdog's, or null when they are the same (the
    /// host's sockets reach it).
    /// </summary>
    /// <exception cref="InspectorException">The namespace cannot be read or entered: Heapdog lacks CAP_SYS_PTRACE over
    /// the process or CAP_SYS_ADMIN, or the process is gone.</exception>
    public static TargetNetwork? Of(int pid)
    {
        string own = ReadLink("/proc/self/ns/net") ?? throw new InspectorException(InspectorErrorKind.PermissionDenied,
            "cannot read Heapdog's own network namespace (/proc/self/ns/net)");
        string theirs = ReadLink(NamespacePath(pid)) ?? throw (File.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat")
            ? new InspectorException(InspectorErrorKind.PermissionDenied,
                $"cannot read the network namespace of pid {pid}: reaching a process in a container needs CAP_SYS_PTRACE (run Heapdog as root, or grant it SYS_PTRACE)")
            : new InspectorException(InspectorErrorKind.ProcessGone, $"no process with pid {pid}"));
        if (own == theirs) return null;
        var network = new TargetNetwork(pid, theirs);
        // Entering is tried at once, so a missing capability is said before anything (SIGUSR1) is done to the target.
        network.CreateSocket(AddressFamily.InterNetwork).Dispose();
        return network;
    }

    /// <summary>A TCP socket for <paramref name="family"/>, made inside the namespace.</summary>
    /// <exception cref="InspectorException">Entering it was refused (no CAP_SYS_ADMIN) or the process is gone.</exception>
    public Socket CreateSocket(AddressFamily family)
    {
        Socket? socket = null;
        InspectorException? failure = null;
        var thread = new Thread(() =>
        {
            try { socket = CreateInside(family); }
            catch (InspectorException ex) { failure = ex; }
        })
        {
            IsBackground = true,
            Name = "heapdog setns",
        };
        thread.Start();
        thread.Join();
        return socket ?? throw failure!;
    }

    /// <summary>An HTTP handler whose connections are made inside the namespace: for the inspector's <c>/json</c>
    /// endpoints and its WebSocket alike.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectCallback = async (context, cancellationToken) =>
        {
            // The inspector is always addressed by IP literal (it refuses other Host headers), so nothing is resolved.
            var ip = IPAddress.Parse(context.DnsEndPoint.Host.Trim('[', ']'));
            var socket = CreateSocket(ip.AddressFamily);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(ip, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Opens <paramref name="socket"/> on <paramref name="url"/> through a connection made inside the namespace.</summary>
    internal async Task ConnectAsync(ClientWebSocket socket, Uri url, CancellationToken cancellationToken)
    {
        using var invoker = new HttpMessageInvoker(CreateHandler());
        await socket.ConnectAsync(url, invoker, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The refusal behind a failed connection (HTTP and WebSockets wrap what a connect callback throws), or null.</summary>
    internal static InspectorException? RefusalIn(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is InspectorException refusal) return refusal;
        return null;
    }

    public override string ToString() => $"the network namespace of pid {Pid} ({NamespaceId})";

    private Socket CreateInside(AddressFamily family)
    {
        int back = open("/proc/thread-self/ns/net", OpenReadOnlyCloseOnExec);
        if (back < 0) throw new InspectorException(InspectorErrorKind.PermissionDenied, $"cannot open this thread's network namespace: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            int target = open(NamespacePath(Pid), OpenReadOnlyCloseOnExec);
            if (target < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Enoent
                    ? new InspectorException(InspectorErrorKind.ProcessGone, $"pid {Pid} exited")
                    : new InspectorException(InspectorErrorKind.PermissionDenied, errno is Eperm or Eacces
                        ? $"cannot open the network namespace of pid {Pid}: reaching a process in a container needs CAP_SYS_PTRACE"
                        : $"cannot open the network namespace of pid {Pid}: errno {errno}");
            }
            try
            {
                if (setns(target, CloneNewNet) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new InspectorException(InspectorErrorKind.PermissionDenied, errno == Eperm
                        ? $"cannot enter the network namespace of pid {Pid}: reaching a process in a container needs CAP_SYS_ADMIN (run Heapdog as root, or grant it SYS_ADMIN)"
                        : $"cannot enter the network namespace of pid {Pid}: errno {errno}");
                }
            }
            finally
            {
                close(target);
            }
            try
            {
                return new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            }
            finally
            {
                // The thread ends right after, but goes back first so nothing else it might run lands in the container.
                setns(back, CloneNewNet);
            }
        }
        finally
        {
            close(back);
        }
    }

    private static string NamespacePath(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net";

    private static string? ReadLink(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
