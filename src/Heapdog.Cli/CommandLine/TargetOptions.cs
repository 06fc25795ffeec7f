using System.CommandLine;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// How a command names its target: a PID (bare or <c>--pid</c>) on this host, an inspector at <c>--port</c>/<c>--url</c>
/// (a <c>kubectl port-forward</c>, say), where a given pid is only checked against what the process reports, or, for the
/// commands that take it, a pod with <c>--kubectl POD [-n NS] [-c CONTAINER]</c>, where a PID is the pid inside the container.
/// </summary>
internal sealed class TargetOptions
{
    private readonly Argument<int?> _pidArgument = new("PID") { Description = "The Node process (same as --pid)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<int?> _pid = new Option<int?>("--pid") { Description = "The Node process to inspect" }.InRange(1, int.MaxValue);
    private readonly Option<int?> _port = new Option<int?>("--port") { Description = "Use the inspector already listening on this port of 127.0.0.1" }.InRange(1, 65535);
    private readonly Option<string?> _url = new("--url") { Description = "Use the inspector at this http:// (discovery) or ws:// (session) URL" };

    private readonly Option<string?> _kubectl = new("--kubectl")
    {
        Description = "Reach the node process in this Kubernetes pod through kubectl exec and port-forward ($KUBECTL or kubectl on PATH; docs/kubernetes.md)",
        HelpName = "POD",
    };
    private readonly Option<string?> _namespace = new("--namespace", "-n") { Description = "The pod's namespace (with --kubectl)", HelpName = "NS" };
    private readonly Option<string?> _container = new("--container", "-c") { Description = "The pod's container (with --kubectl)", HelpName = "NAME" };
    private readonly bool _withKubectl;

    public TargetOptions(Command command, bool positional = true, bool kubectl = false)
    {
        if (positional) command.Arguments.Add(_pidArgument);
        command.Options.Add(_pid);
        command.Options.Add(_port);
        command.Options.Add(_url);
        _withKubectl = kubectl;
        if (!kubectl) return;
        command.Options.Add(_kubectl);
        command.Options.Add(_namespace);
        command.Options.Add(_container);
    }

    /// <summary>Reads the target and, for <c>--kubectl</c>, opens the way to it (exec, SIGUSR1, port-forward).</summary>
    public async Task<AttachTarget> OpenAsync(ParseResult parse, IWorkProgress progress, CancellationToken cancellationToken)
    {
        if (!_withKubectl || parse.GetValue(_kubectl) is not { } pod) return new AttachTarget(Read(parse), null);
        if (pod.Length == 0) throw new HeapdogException(ErrorKind.BadRequest, "--kubectl needs a pod name");
        if (parse.GetValue(_port) is not null || parse.GetValue(_url) is not null)
            throw new HeapdogException(ErrorKind.BadRequest, "--kubectl finds the inspector itself: leave out --port and --url");
        var forward = await KubectlForward.OpenAsync(new KubectlTarget(pod, parse.GetValue(_namespace), parse.GetValue(_container), ReadPid(parse)),
            progress, cancellationToken);
        return new AttachTarget(forward.Options, forward);
    }

    public AttachOptions Read(ParseResult parse)
    {
        if (_withKubectl && parse.GetValue(_kubectl) is null && (parse.GetValue(_namespace) is not null || parse.GetValue(_container) is not null))
            throw new HeapdogException(ErrorKind.BadRequest, "--namespace and --container name a pod's: give --kubectl POD too");
        int? pid = ReadPid(parse);
        int? port = parse.GetValue(_port);
        Uri? url = null;
        if (parse.GetValue(_url) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "ws")))
            throw new HeapdogException(ErrorKind.BadRequest, $"--url must be an http:// or ws:// URL, got '{text}'");
        if (pid is null && port is null && url is null)
            throw new HeapdogException(ErrorKind.BadRequest, "no target: give a PID, --port or --url");
        if (pid is <= 0) throw new HeapdogException(ErrorKind.BadRequest, $"not a pid: {pid}");
        if (port is <= 0 or > 65535) throw new HeapdogException(ErrorKind.BadRequest, $"not a port: {port}");
        return new AttachOptions { Pid = pid, Port = port, Url = url };
    }

    private int? ReadPid(ParseResult parse)
    {
        int? argument = parse.GetValue(_pidArgument), option = parse.GetValue(_pid);
        if (argument is int a && option is int o && a != o)
            throw new HeapdogException(ErrorKind.BadRequest, $"two different pids given: {a} and --pid {o}");
        int? pid = argument ?? option;
        if (pid is <= 0) throw new HeapdogException(ErrorKind.BadRequest, $"not a pid: {pid}");
        return pid;
    }
}
