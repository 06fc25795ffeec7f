using System.Net;
using Heapdog.Processes;

namespace Heapdog.Inspector;

/// <summary>
/// Opens an inspector session on a running Node process without restarting it: finds the port it already listens on,
/// or turns the inspector on with SIGUSR1, then confirms the session reached the intended pid.
/// </summary>
public static class NodeInspector
{
    /// <summary>The port Node opens on SIGUSR1 unless started with <c>--inspect-port</c>.</summary>
    public const int DefaultPort = 9229;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<InspectedProcess> AttachAsync(AttachOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Url is not null || options.Port is not null)
            return await AttachExplicitAsync(options, cancellationToken).ConfigureAwait(false);
        if (options.Pid is not int pid)
            throw new ArgumentException("a pid, port or URL is required", nameof(options));

        EnsureNodeProcess(pid);
        EnsureRunning(pid);
        // A process in a container listens on the container's loopback: everything below talks to it from inside that
        // namespace, and nothing is opened or asked on the host's own loopback.
        var network = TargetNetwork.Of(pid);
        var sessionLock = SessionLock.Acquire(pid);
        try
        {
            bool opened = false;
            InspectorEndpoint endpoint;
            if (await FindInspectorAsync(pid, network, cancellationToken).ConfigureAwait(false) is { } found)
            {
                if (!InspectorAddress.IsLoopbackAddress(found.Socket.Address))
                    throw ListensBeyondLoopback(pid, found.Socket);
                endpoint = found.Endpoint;
            }
            else
            {
                endpoint = await ActivateAsync(pid, network, options.ActivationTimeout, cancellationToken).ConfigureAwait(false);
                opened = true;
            }
            InspectorConnection connection;
            try
            {
                connection = await InspectorConnection.ConnectAsync(endpoint.WebSocketUrl, $"pid {pid}",
                    () => ProcessReader.WaitForExit(pid, TimeSpan.FromSeconds(1)) ? $"pid {pid} exited" : $"the inspector connection to pid {pid} closed",
                    cancellationToken: cancellationToken, network: network).ConfigureAwait(false);
            }
            catch when (opened)
            {
                // Cancelled or refused before any switch was armed: nothing else would ever close what we opened.
                await CloseAsync(endpoint, network, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            var process = new InspectedProcess(connection, endpoint, pid, opened, sessionLock);
            try
            {
                // In its own pid namespace the process knows itself by another number (NSpid's last).
                await process.ConfirmPidAsync(ProcessReader.InnermostPid(pid), cancellationToken).ConfigureAwait(false);
                await process.GuardAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await process.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return process;
        }
        catch
        {
            sessionLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The port <paramref name="pid"/>'s inspector listens on, or null when it is off, without connecting a session.
    /// Only ports that can be the inspector's are asked (the SIGUSR1 port, or any when the process has an
    /// <c>--inspect</c> flag), so listing processes sends nothing to their application ports.
    /// </summary>
    public static async Task<int?> FindListeningPortAsync(int pid, CancellationToken cancellationToken = default)
    {
        List<IPEndPoint> listening;
        TargetNetwork? network;
        try
        {
            listening = ListeningSockets.OfProcess(pid);
            network = TargetNetwork.Of(pid);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or InspectorException) { return null; }
        int expected = ExpectedPort(pid);
        bool flagged = HasInspectFlag(pid);
        foreach (var socket in listening)
        {
            if (socket.Port != expected && !flagged) continue;
            var address = socket.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : socket.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : socket.Address;
            try
            {
                if (await InspectorEndpoint.ProbeAsync(new IPEndPoint(address, socket.Port), cancellationToken, network).ConfigureAwait(false) is not null)
                    return socket.Port;
            }
            catch (InspectorException)
            {
                return null; // its namespace cannot be entered: a listing says "off" rather than fail
            }
        }
        return null;
    }

    private static async Task<InspectedProcess> AttachExplicitAsync(AttachOptions options, CancellationToken cancellationToken)
    {
        InspectorEndpoint endpoint;
        if (options.Url is { Scheme: "ws" or "wss" } ws)
        {
            var ip = await InspectorEndpoint.ResolveAsync(ws.Host, cancellationToken).ConfigureAwait(false);
            var address = new IPEndPoint(ip, ws.Port);
            var url = new UriBuilder(ws) { Host = ip.ToString() }.Uri;
            endpoint = new InspectorEndpoint(address, "", url, "");
        }
        else
        {
            string host = options.Url?.Host ?? options.Host ?? "127.0.0.1";
            int port = options.Url?.Port ?? options.Port ?? DefaultPort;
            var ip = await InspectorEndpoint.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
            endpoint = await InspectorEndpoint.ProbeAsync(new IPEndPoint(ip, port), cancellationToken).ConfigureAwait(false)
                ?? throw new InspectorException(InspectorErrorKind.NoEndpoint, $"no Node inspector answers at {host}:{port}");
        }
        string name = options.Pid is int p ? $"pid {p}" : $"the process at {endpoint.Address}";
        var connection = await InspectorConnection.ConnectAsync(endpoint.WebSocketUrl, name, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var process = new InspectedProcess(connection, endpoint, options.Pid, openedByHeapdog: options.OpenedForSession, sessionLock: null);
        try
        {
            await process.ConfirmPidAsync(options.Pid, cancellationToken).ConfigureAwait(false);
            await process.GuardAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return process;
    }

    private static void EnsureNodeProcess(int pid)
    {
        if (!ProcessReader.IsAlive(pid))
            throw new InspectorException(InspectorErrorKind.ProcessGone, $"no process with pid {pid}");
        // SIGUSR1 kills a process that does not handle it, so nothing is signalled unless it is certainly Node.
        string? exe = ProcessReader.TryReadExe(pid);
        var commandLine = ProcessReader.TryReadCommandLine(pid);
        if (!NodeProcessFinder.IsNode(exe, commandLine))
            throw new InspectorException(InspectorErrorKind.NotNode,
                $"pid {pid} ({ProcessReader.TryReadComm(pid) ?? "?"}) is not a Node.js process (executable {exe ?? commandLine.FirstOrDefault() ?? "unknown"})");
    }

    /// <summary>
    /// Refuses a stopped process: it cannot answer, and a SIGUSR1 it has not yet handled would open its inspector when it
    /// resumes, long after Heapdog gave up, with no one left to close it.
    /// </summary>
    private static void EnsureRunning(int pid)
    {
        if (ProcessReader.TryReadStat(pid) is not { IsStopped: true } stat) return;
        throw new InspectorException(InspectorErrorKind.ProcessStopped, stat.State == 't'
            ? $"pid {pid} is stopped by a debugger or tracer; detach it (or resume it) first"
            : $"pid {pid} is stopped (SIGSTOP); resume it with kill -CONT {pid} first");
    }

    /// <summary>
    /// Refuses to signal a process whose options would open the inspector beyond loopback: whoever reaches that address
    /// can run code in the process for as long as the capture lasts.
    /// </summary>
    private static void EnsureLoopbackConfigured(int pid)
    {
        var address = ConfiguredAddress(pid);
        if (address.IsLoopback) return;
        throw new InspectorException(InspectorErrorKind.NotLoopback,
            $"refusing to open the inspector of pid {pid}: it is configured to listen on {address} ({address.HostSource}), " +
            "which anyone on the network could use to run code in it; start it with --inspect-port=127.0.0.1:PORT, " +
            "or open the inspector yourself and pass --port");
    }

    private static InspectorException ListensBeyondLoopback(int pid, IPEndPoint socket) =>
        new(InspectorErrorKind.NotLoopback,
            $"refusing to use the inspector of pid {pid}: it listens on {socket}, which anyone on the network could use to run code in it; " +
            "close it, and start the process with --inspect=127.0.0.1:PORT (or no --inspect: Heapdog opens it on loopback)");

    /// <summary>The inspector address <paramref name="pid"/>'s command line and NODE_OPTIONS configure.</summary>
    internal static InspectorAddress ConfiguredAddress(int pid) =>
        InspectorAddress.Parse(ProcessReader.TryReadCommandLine(pid), ProcessReader.TryReadEnvironmentVariable(pid, "NODE_OPTIONS"));

    /// <summary>
    /// The inspector <paramref name="pid"/> already listens on, whatever its port (<c>--inspect=0</c> too), with the
    /// socket it listens on (0.0.0.0 when it is open to the network).
    /// </summary>
    private static async Task<(InspectorEndpoint Endpoint, IPEndPoint Socket)?> FindInspectorAsync(int pid, TargetNetwork? network,
        CancellationToken cancellationToken)
    {
        List<IPEndPoint> listening;
        try
        {
            listening = ListeningSockets.OfProcess(pid);
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process: its sockets are hidden, but its inspector, if any, answers on its port.
            listening = [new IPEndPoint(IPAddress.Loopback, ExpectedPort(pid))];
        }
        int expected = ExpectedPort(pid);
        // The likely inspector port first: every other port is the application's and gets a stray GET.
        listening.Sort((a, b) => (b.Port == expected).CompareTo(a.Port == expected));
        foreach (var socket in listening)
        {
            var address = socket.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : socket.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : socket.Address;
            var endpoint = await InspectorEndpoint.ProbeAsync(new IPEndPoint(address, socket.Port), cancellationToken, network).ConfigureAwait(false);
            if (endpoint is not null && endpoint.Browser.StartsWith("node", StringComparison.OrdinalIgnoreCase)) return (endpoint, socket);
        }
        return null;
    }

    private static async Task<InspectorEndpoint> ActivateAsync(int pid, TargetNetwork? network, TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureLoopbackConfigured(pid);
        int port = ExpectedPort(pid);
        // The port that matters is the one in the target's own namespace (its container's, when it has one).
        string netDir = $"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/net";
        if (port != 0 && ListeningSockets.PortHolder(port, netDir) is int holder && holder != pid)
            throw PortHeld(port, holder);

        // Checked again right before the signal: a process stopped since would take it only when resumed.
        EnsureRunning(pid);
        ProcessSignal.Send(pid, ProcessSignal.SigUsr1);
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                if (!ProcessReader.IsAlive(pid))
                    throw new InspectorException(InspectorErrorKind.ProcessGone, $"pid {pid} exited after SIGUSR1");
                if (await FindInspectorAsync(pid, network, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    if (InspectorAddress.IsLoopbackAddress(found.Socket.Address)) return found.Endpoint;
                    // Options Heapdog did not foresee opened it beyond loopback: close it at once, then refuse.
                    await CloseAsync(found.Endpoint, network, CancellationToken.None).ConfigureAwait(false);
                    throw ListensBeyondLoopback(pid, found.Socket);
                }
                if (DateTime.UtcNow > deadline) break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CloseLateInspectorAsync(pid, network).ConfigureAwait(false);
            throw;
        }
        if (ListeningSockets.PortHolder(port, netDir) is int other && other != pid)
            throw PortHeld(port, other);
        throw new InspectorException(InspectorErrorKind.ActivationTimedOut,
            $"pid {pid} did not open its inspector within {timeout.TotalSeconds:0} s of SIGUSR1 (started with --disable-sigusr1, or SIGUSR1 taken over by the application?)");
    }

    /// <summary>
    /// After a cancellation that came between SIGUSR1 and the inspector's opening: waits a little for the inspector
    /// the signal is about to open and closes it, since no session (and so no switch) will ever guard it.
    /// </summary>
    private static async Task CloseLateInspectorAsync(int pid, TargetNetwork? network)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (ProcessReader.IsAlive(pid))
        {
            if (await FindInspectorAsync(pid, network, CancellationToken.None).ConfigureAwait(false) is { } found)
            {
                await CloseAsync(found.Endpoint, network, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            if (DateTime.UtcNow > deadline) return;
            await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Turns off an inspector Heapdog opened, without a session of its own to keep.</summary>
    private static async Task CloseAsync(InspectorEndpoint endpoint, TargetNetwork? network, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await InspectorConnection.ConnectAsync(endpoint.WebSocketUrl, "the inspector to close",
                cancellationToken: cancellationToken, network: network).ConfigureAwait(false);
            await new InspectedProcess(connection, endpoint, pid: null, openedByHeapdog: true, sessionLock: null).DisposeAsync().ConfigureAwait(false);
        }
        catch (InspectorException)
        {
        }
    }

    private static InspectorException PortHeld(int port, int holder) =>
        new(InspectorErrorKind.PortHeld,
            $"port {port} is held by pid {holder} ({ProcessReader.TryReadComm(holder) ?? "?"}), so the target cannot open its inspector there; stop that process's inspector or pass --port");

    private static bool HasInspectFlag(int pid) =>
        NodeOptions(pid).Contains("--inspect", StringComparison.Ordinal) || NodeOptions(pid).Contains("--debug", StringComparison.Ordinal);

    /// <summary>The port SIGUSR1 will open: <c>--inspect-port</c> (or <c>--inspect=…</c>) from NODE_OPTIONS or the command line, else 9229.</summary>
    internal static int ExpectedPort(int pid) => ConfiguredAddress(pid).Port;

    /// <summary>The command line with NODE_OPTIONS in front (where Node reads options from).</summary>
    private static string NodeOptions(int pid)
    {
        string args = string.Join(' ', ProcessReader.TryReadCommandLine(pid));
        return ProcessReader.TryReadEnvironmentVariable(pid, "NODE_OPTIONS") is { } options ? options + " " + args : args;
    }
}
