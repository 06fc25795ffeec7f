using System.CommandLine;
using Heapdog.Inspector;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// How a command names its target: a PID (bare or <c>--pid</c>) on this host, or an inspector at <c>--port</c>/<c>--url</c>
/// (a <c>kubectl port-forward</c>, say), where a given pid is only checked against what the process reports.
/// </summary>
internal sealed class TargetOptions
{
    private readonly Argument<int?> _pidArgument = new("PID") { Description = "The Node process (same as --pid)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<int?> _pid = new Option<int?>("--pid") { Description = "The Node process to inspect" }.InRange(1, int.MaxValue);
    private readonly Option<int?> _port = new Option<int?>("--port") { Description = "Use the inspector already listening on this port of 127.0.0.1" }.InRange(1, 65535);
    private readonly Option<string?> _url = new("--url") { Description = "Use the inspector at this http:// (discovery) or ws:// (session) URL" };

    public TargetOptions(Command command, bool positional = true)
    {
        if (positional) command.Arguments.Add(_pidArgument);
        command.Options.Add(_pid);
        command.Options.Add(_port);
        command.Options.Add(_url);
    }

    public AttachOptions Read(ParseResult parse)
    {
        int? argument = parse.GetValue(_pidArgument), option = parse.GetValue(_pid);
        if (argument is int a && option is int o && a != o)
            throw new HeapdogException(ErrorKind.BadRequest, $"two different pids given: {a} and --pid {o}");
        int? pid = argument ?? option;
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
}
