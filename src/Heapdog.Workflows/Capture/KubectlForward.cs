using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Heapdog.Inspector;
using Heapdog.Processes;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>
/// Reaches a Node process in a Kubernetes pod with nothing but the user's <c>kubectl</c>, the way it is done by hand
/// (write-up 002): <c>kubectl exec</c> finds the node pid in the container and reads how its inspector is configured,
/// <c>kubectl exec … kill -USR1 PID</c> turns the inspector on (unless it is on already), and <c>kubectl port-forward</c>
/// brings it to a free port of this host's loopback. <see cref="Options"/> then attaches through that port. Disposing
/// ends the port-forward; the session closes the inspector it opened (<see cref="AttachOptions.OpenedForSession"/>).
/// The container needs <c>sh</c>, <c>cat</c>, <c>readlink</c> and <c>kill</c> (distroless images have none: see docs/kubernetes.md).
/// </summary>
public sealed class KubectlForward : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InspectorTimeout = TimeSpan.FromSeconds(10);
    private const string Separator = "\n@@heapdog@@\n";

    private readonly Process _portForward;

    private KubectlForward(Process portForward, AttachOptions options)
    {
        _portForward = portForward;
        Options = options;
    }

    /// <summary>How to attach: the forwarded loopback port, and the pid the process reports inside its container.</summary>
    public AttachOptions Options { get; }

    public static async Task<KubectlForward> OpenAsync(KubectlTarget target, IWorkProgress progress, CancellationToken cancellationToken)
    {
        string kubectl = Locate();
        progress.Report($"finding node in {target}", -1);
        int pid = target.Pid ?? await FindNodeAsync(kubectl, target, cancellationToken);
        var (address, listening) = await ReadInspectorAsync(kubectl, target, pid, cancellationToken);
        if (!address.IsLoopback)
            throw new HeapdogException(ErrorKind.NotPermitted,
                $"refusing to open the inspector of pid {pid} in {target}: it is configured to listen on {address} ({address.HostSource}), which anyone who reaches the pod could use to run code in it");
        if (address.Port == 0)
            throw new HeapdogException(ErrorKind.Unsupported,
                $"pid {pid} in {target} opens its inspector on a random port (--inspect-port=0), which kubectl port-forward cannot name; start it with a fixed --inspect-port");

        if (!listening)
        {
            progress.Report($"opening the inspector of pid {pid} in {target} (SIGUSR1)", -1);
            await RunAsync(kubectl, ExecArguments(target, "kill", "-USR1", pid.ToString(CultureInfo.InvariantCulture)), $"kubectl exec in {target}", cancellationToken);
        }

        int local = FreeLoopbackPort();
        progress.Report($"kubectl port-forward 127.0.0.1:{local} -> {target} port {address.Port}", -1);
        var forward = StartPortForward(kubectl, target, local, address.Port);
        try
        {
            await WaitForwardingAsync(forward, target, cancellationToken);
            await WaitForInspectorAsync(local, pid, target, cancellationToken);
        }
        catch
        {
            Stop(forward);
            throw;
        }
        return new KubectlForward(forward, new AttachOptions
        {
            Host = "127.0.0.1",
            Port = local,
            Pid = pid,
            OpenedForSession = !listening,
        });
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_portForward);
        await _portForward.WaitForExitAsync(CancellationToken.None);
        _portForward.Dispose();
    }

    /// <summary>The kubectl to run: <c>$KUBECTL</c>, else <c>kubectl</c> on PATH.</summary>
    private static string Locate() =>
        Environment.GetEnvironmentVariable(KubectlTarget.KubectlVariable) is { Length: > 0 } given ? given
        : ExecutableSearch.Find("kubectl")
          ?? throw new HeapdogException(ErrorKind.NotFound, $"--kubectl needs kubectl: none on PATH (set ${KubectlTarget.KubectlVariable} to its path)");

    /// <summary>The one node process in the container (its exe named node, nodejs or node-VERSION).</summary>
    private static async Task<int> FindNodeAsync(string kubectl, KubectlTarget target, CancellationToken cancellationToken)
    {
        const string script = """for d in /proc/[0-9]*; do e=$(readlink "$d/exe" 2>/dev/null) || continue; case "${e##*/}" in node|nodejs|node-[0-9]*|nodejs-[0-9]*) echo "${d#/proc/}";; esac; done""";
        string output = await RunAsync(kubectl, ExecArguments(target, "sh", "-c", script), $"kubectl exec in {target}", cancellationToken);
        var pids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : 0).Where(p => p > 0).ToList();
        return pids.Count switch
        {
            1 => pids[0],
            0 => throw new HeapdogException(ErrorKind.ProcessUnavailable, $"no node process in {target}"),
            _ => throw new HeapdogException(ErrorKind.BadRequest,
                $"{pids.Count} node processes in {target} (pids {string.Join(", ", pids)} inside the container): say which with --pid"),
        };
    }

    /// <summary>Where SIGUSR1 would open the inspector (its command line and NODE_OPTIONS), and whether something
    /// already listens on that port in the pod.</summary>
    private static async Task<(InspectorAddress Address, bool Listening)> ReadInspectorAsync(string kubectl, KubectlTarget target, int pid,
        CancellationToken cancellationToken)
    {
        // Each part is printed whatever the one before did (environ is unreadable for another user's process, say).
        string separator = Separator.Replace("\n", "\\n", StringComparison.Ordinal);
        string script = $"cat /proc/$0/cmdline; printf '{separator}'; cat /proc/$0/environ; printf '{separator}'; cat /proc/$0/net/tcp /proc/$0/net/tcp6 2>/dev/null; printf '{separator}'; readlink /proc/$0/exe; true";
        string output = await RunAsync(kubectl, ExecArguments(target, "sh", "-c", script, pid.ToString(CultureInfo.InvariantCulture)),
            $"kubectl exec in {target}", cancellationToken);
        var parts = output.Split(Separator);
        if (parts.Length != 4 || parts[0].Length == 0)
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"no process with pid {pid} in {target}");
        var commandLine = ProcessReader.ParseCommandLine(parts[0]);
        string exe = parts[3].Trim();
        // SIGUSR1 kills a process that does not handle it, so nothing is signalled unless it is certainly Node.
        if (!NodeProcessFinder.IsNode(exe.Length > 0 ? exe : null, commandLine))
            throw new HeapdogException(ErrorKind.ProcessUnavailable,
                $"pid {pid} in {target} is not a Node.js process (executable {(exe.Length > 0 ? exe : commandLine.FirstOrDefault() ?? "unknown")})");
        var address = InspectorAddress.Parse(commandLine, ProcessReader.ParseEnvironmentVariable(parts[1], "NODE_OPTIONS"));
        bool listening = ListeningSockets.Parse(parts[2]).Any(s => s.Endpoint.Port == address.Port);
        return (address, listening);
    }

    private static string[] ExecArguments(KubectlTarget target, params string[] command)
    {
        var args = new List<string> { "exec", target.Pod };
        if (target.Namespace is { } ns) args.AddRange(["-n", ns]);
        if (target.Container is { } container) args.AddRange(["-c", container]);
        args.Add("--");
        args.AddRange(command);
        return [.. args];
    }

    /// <summary>Runs kubectl to its end and returns its stdout; a failure is one line with kubectl's own words.</summary>
    private static async Task<string> RunAsync(string kubectl, string[] args, string what, CancellationToken cancellationToken)
    {
        using var process = Start(kubectl, args);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timer.Token);
        var stderr = process.StandardError.ReadToEndAsync(timer.Token);
        try
        {
            await process.WaitForExitAsync(timer.Token);
            string output = await stdout;
            if (process.ExitCode != 0)
                throw new HeapdogException(ErrorKind.ProcessUnavailable, $"{what} failed (exit {process.ExitCode}): {FirstLine(await stderr)}");
            return output;
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"{what} did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
    }

    private static Process StartPortForward(string kubectl, KubectlTarget target, int local, int remote)
    {
        var args = new List<string> { "port-forward" };
        if (target.Namespace is { } ns) args.AddRange(["-n", ns]);
        args.AddRange([$"pod/{target.Pod}", "--address", "127.0.0.1", $"{local.ToString(CultureInfo.InvariantCulture)}:{remote.ToString(CultureInfo.InvariantCulture)}"]);
        return Start(kubectl, [.. args]);
    }

    /// <summary>Waits for kubectl's "Forwarding from 127.0.0.1:PORT" line, then keeps draining its output (it prints a
    /// line per connection and would block on a full pipe).</summary>
    private static async Task WaitForwardingAsync(Process forward, KubectlTarget target, CancellationToken cancellationToken)
    {
        var errors = new StringBuilder();
        var stderr = DrainAsync(forward.StandardError, errors);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(CommandTimeout);
        try
        {
            while (await forward.StandardOutput.ReadLineAsync(timer.Token) is { } line)
            {
                if (!line.StartsWith("Forwarding from", StringComparison.Ordinal)) continue;
                _ = DrainAsync(forward.StandardOutput, null);
                return;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"kubectl port-forward to {target} did not start within {CommandTimeout.TotalSeconds:0} s");
        }
        await forward.WaitForExitAsync(CancellationToken.None);
        await stderr;
        throw new HeapdogException(ErrorKind.ProcessUnavailable, $"kubectl port-forward to {target} failed (exit {forward.ExitCode}): {FirstLine(errors.ToString())}");
    }

    /// <summary>Waits until the inspector answers through the forward (SIGUSR1 opens it a moment later).</summary>
    private static async Task WaitForInspectorAsync(int local, int pid, KubectlTarget target, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + InspectorTimeout;
        var address = new IPEndPoint(IPAddress.Loopback, local);
        while (await InspectorEndpoint.ProbeAsync(address, cancellationToken) is null)
        {
            if (DateTime.UtcNow > deadline)
                throw new HeapdogException(ErrorKind.ProcessUnavailable,
                    $"pid {pid} in {target} did not open its inspector within {InspectorTimeout.TotalSeconds:0} s of SIGUSR1 (started with --disable-sigusr1?)");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static Process Start(string kubectl, string[] args)
    {
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        try
        {
            return Process.Start(start) ?? throw new HeapdogException(ErrorKind.NotFound, $"cannot run {kubectl}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot run {kubectl}: {ex.Message}", ex);
        }
    }

    private static async Task DrainAsync(StreamReader reader, StringBuilder? keep)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
                if (keep is not null && keep.Length < 4096) keep.AppendLine(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    private static void Stop(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
}
