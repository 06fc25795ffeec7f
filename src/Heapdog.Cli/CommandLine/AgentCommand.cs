using System.CommandLine;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Sampling;
using Heapdog.Server.Processes;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog agent --server URL --token TOKEN</c>: this host's processes on a central server (docs/fleet.md).</summary>
public static class AgentCommand
{
    public const string TokenVariable = "HEAPDOG_AGENT_TOKEN";

    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The server's URL (https:// across a network)", Required = true };
        var token = new Option<string?>("--token") { Description = $"This agent's token, from 'heapdog tokens create' (or ${TokenVariable}, which other users cannot read in ps)" };
        var hostName = new Option<string?>("--host-name") { Description = "The name this host reports as (default: the machine's name)" };
        var pids = new Option<int[]>("--pid", "-p") { Description = "Watch only these processes (default: every Node process of the host)", AllowMultipleArgumentsPerToken = true }.InRange(1, int.MaxValue);
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve this host's own Prometheus metrics on 127.0.0.1:PORT/metrics" };
        var metricsAddress = new Option<string>("--metrics-address") { Description = "The address --metrics-port listens on", DefaultValueFactory = _ => "127.0.0.1" };
        var interval = new Option<TimeSpan>("--interval", "-i")
        {
            Description = "Time between samples, e.g. 1s, 5s",
            CustomParser = OptionRange.Duration("--interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };
        var buffer = new Option<string?>("--buffer") { Description = "The buffer's store file (default: agent.db beside watch's store)" };
        var bufferSamples = new Option<long>("--buffer-samples")
        {
            Description = "Raw samples the buffer keeps while the server is away; beyond, the oldest minutes are rolled up and their raw samples dropped (counted)",
            DefaultValueFactory = _ => AgentOptions.DefaultBufferSamples,
        }.InRange(1000, 100_000_000);
        var uploadRate = new Option<string?>("--upload-rate") { Description = "Upload snapshots at most this fast per second (e.g. 10m)" };
        var runtime = new Option<bool>("--runtime") { Description = "Also read heap used/total and the heap limit through each process's inspector (as watch --runtime)" };

        var command = new Command("agent", "Watch this host's Node processes for a central 'heapdog serve' and run its remote actions (outbound connections only)");
        foreach (var o in new Option[] { server, token, hostName, pids, metricsPort, metricsAddress, interval, buffer, bufferSamples, uploadRate, runtime })
            command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            string secret = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable)
                ?? throw new HeapdogException(ErrorKind.BadRequest, $"give the agent its token: --token TOKEN or ${TokenVariable} (from 'heapdog tokens create NAME')");
            string host = parse.GetValue(hostName) ?? Environment.MachineName;
            if (host.Length is 0 or > 253) throw new HeapdogException(ErrorKind.BadRequest, "--host-name must be 1 to 253 characters");
            var pidList = parse.GetValue(pids) ?? [];
            string bufferPath = Path.GetFullPath(parse.GetValue(buffer) ?? Path.Combine(Path.GetDirectoryName(StorePaths.Default())!, "agent.db"));
            PrivateModes.Check(PrivateModes.StoreFiles(bufferPath), parse.GetValue(CliHost.FixModes), context.Notice);
            var options = new AgentOptions
            {
                Server = ServerUri(parse.GetValue(server)!),
                Token = secret,
                HostName = host,
                BufferPath = bufferPath,
                BufferSamples = parse.GetValue(bufferSamples),
                UploadBytesPerSecond = parse.GetValue(uploadRate) is { } rate ? SizeText.Parse(rate, "--upload-rate") : null,
                RuntimeFigures = parse.GetValue(runtime),
                Watch = new WatchOptions
                {
                    Mode = pidList.Length > 0 ? TargetMode.Pids : TargetMode.All,
                    Pids = pidList,
                    Interval = parse.GetValue(interval),
                    DiscoverEvery = TimeSpan.FromSeconds(10),
                },
            };
            void Log(string line)
            {
                lock (context.Error) context.Error.WriteLine("heapdog agent: " + line);
            }
            var live = new LiveProcesses();
            await using var agent = new FleetAgent(options, Log, [live]);
            await agent.StartAsync(ct);
            live.Attach(() => agent.Watcher.Tracks);
            using var metrics = parse.GetValue(metricsPort) is int port ? AgentMetrics.Start(parse.GetValue(metricsAddress)!, port, live, host) : null;
            Log($"{host} → {options.Server} (buffer {bufferPath}, at most {options.BufferSamples} samples; watching {agent.Watcher.Tracks.Count} process(es)"
                + (metrics is null ? ")" : $"; metrics on {metrics.Url})"));
            try
            {
                await agent.RunAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Log($"stopped; {agent.Shipper.Shipped} batch(es) shipped, what is left stays in the buffer for the next start");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The server's URL, checked: http or https, with a host.</summary>
    public static Uri ServerUri(string text) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new HeapdogException(ErrorKind.BadRequest, $"--server '{text}' is not an http:// or https:// URL");
}
