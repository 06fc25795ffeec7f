using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Heapdog.Processes;

namespace Heapdog.Inspector;

/// <summary>
/// Opens an inspector session on a running Node process without restarting it: finds the port it already listens on,
/// or turns the inspector on with SIGUSR1, then confirms the session reached the intended pid.
/// </summary>
public static partial class NodeInspector
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
        var sessionLock = SessionLock.Acquire(pid);
        try
        {
            bool opened = false;
            var endpoint = await FindInspectorAsync(pid, cancellationToken).ConfigureAwait(false);
            if (endpoint is null)
            {
                endpoint = await ActivateAsync(pid, options.ActivationTimeout, cancellationToken).ConfigureAwait(false);
                opened = true;
            }
            var connection = await InspectorConnection.ConnectAsync(endpoint.WebSocketUrl, $"pid {pid}",
                () => ProcessReader.WaitForExit(pid, TimeSpan.FromSeconds(1)) ? $"pid {pid} exited" : $"the inspector connection to pid {pid} closed",
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var process = new InspectedProcess(connection, endpoint, pid, opened, sessionLock);
            try
            {
                await process.ConfirmPidAsync(pid, cancellationToken).ConfigureAwait(false);
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
        try { listening = ListeningSockets.OfProcess(pid); }
        catch (UnauthorizedAccessException) { return null; }
        int expected = ExpectedPort(pid);
        bool flagged = HasInspectFlag(pid);
        foreach (var socket in listening)
        {
            if (socket.Port != expected && !flagged) continue;
            var address = socket.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : socket.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : socket.Address;
            if (await InspectorEndpoint.ProbeAsync(new IPEndPoint(address, socket.Port), cancellationToken).ConfigureAwait(false) is not null)
                return socket.Port;
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
        var process = new InspectedProcess(connection, endpoint, options.Pid, openedByHeapdog: false, sessionLock: null);
        try
        {
            await process.ConfirmPidAsync(options.Pid, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The inspector <paramref name="pid"/> already listens on, whatever its port (<c>--inspect=0</c> too).</summary>
    private static async Task<InspectorEndpoint?> FindInspectorAsync(int pid, CancellationToken cancellationToken)
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
            var endpoint = await InspectorEndpoint.ProbeAsync(new IPEndPoint(address, socket.Port), cancellationToken).ConfigureAwait(false);
            if (endpoint is not null && endpoint.Browser.StartsWith("node", StringComparison.OrdinalIgnoreCase)) return endpoint;
        }
        return null;
    }

    private static async Task<InspectorEndpoint> ActivateAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        int port = ExpectedPort(pid);
        if (ListeningSockets.PortHolder(port) is int holder && holder != pid)
            throw PortHeld(port, holder);

        ProcessSignal.Send(pid, ProcessSignal.SigUsr1);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            if (!ProcessReader.IsAlive(pid))
                throw new InspectorException(InspectorErrorKind.ProcessGone, $"pid {pid} exited after SIGUSR1");
            var endpoint = await FindInspectorAsync(pid, cancellationToken).ConfigureAwait(false);
            if (endpoint is not null) return endpoint;
            if (DateTime.UtcNow > deadline) break;
        }
        if (ListeningSockets.PortHolder(port) is int other && other != pid)
            throw PortHeld(port, other);
        throw new InspectorException(InspectorErrorKind.ActivationTimedOut,
            $"pid {pid} did not open its inspector within {timeout.TotalSeconds:0} s of SIGUSR1 (started with --disable-sigusr1, or SIGUSR1 taken over by the application?)");
    }

    private static InspectorException PortHeld(int port, int holder) =>
        new(InspectorErrorKind.PortHeld,
            $"port {port} is held by pid {holder} ({ProcessReader.TryReadComm(holder) ?? "?"}), so the target cannot open its inspector there; stop that process's inspector or pass --port");

    private static bool HasInspectFlag(int pid) =>
        NodeOptions(pid).Contains("--inspect", StringComparison.Ordinal) || NodeOptions(pid).Contains("--debug", StringComparison.Ordinal);

    /// <summary>The port SIGUSR1 will open: <c>--inspect-port</c> from the command line or NODE_OPTIONS, else 9229.</summary>
    internal static int ExpectedPort(int pid)
    {
        var match = InspectPortPattern().Match(NodeOptions(pid));
        return match.Success ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : DefaultPort;
    }

    /// <summary>The command line with NODE_OPTIONS in front (where Node reads options from).</summary>
    private static string NodeOptions(int pid)
    {
        string args = string.Join(' ', ProcessReader.TryReadCommandLine(pid));
        return ProcessReader.TryReadEnvironmentVariable(pid, "NODE_OPTIONS") is { } options ? options + " " + args : args;
    }

    [GeneratedRegex(@"--(?:inspect|debug)-port[= ](?:[^\s:]+:)?(\d+)")]
    private static partial Regex InspectPortPattern();
}
