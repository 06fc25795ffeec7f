using System.CommandLine;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Heapdog.Server.Hosting;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog serve</c>: the dashboard (docs/serve.md).</summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:7070";
    public const string TokenVariable = "HEAPDOG_TOKEN";

    public static Command Create(CliContext context)
    {
        var urls = new Option<string[]>("--urls") { Description = $"Where to listen (default {DefaultUrl})", AllowMultipleArgumentsPerToken = true };
        var db = new Option<string?>("--db") { Description = "Store file, as for watch (default: $XDG_DATA_HOME/heapdog/heapdog.db or ~/.local/share/heapdog/heapdog.db)" };
        var store = new Option<string?>("--store")
        {
            Description = "The store: sqlite:PATH, or postgresql://USER@HOST:PORT/DB for a fleet's central store (password from the URL or PGPASSWORD); excludes --db",
        };
        var pids = new Option<int[]>("--pid", "-p") { Description = "Watch only these processes (default: every Node process you may see)", AllowMultipleArgumentsPerToken = true }.InRange(1, int.MaxValue);
        var pm2 = new Option<bool>("--pm2") { Description = "Watch only pm2's apps" };
        var interval = new Option<TimeSpan>("--interval", "-i")
        {
            Description = "Time between samples, e.g. 1s, 5s",
            CustomParser = OptionRange.Duration("--interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };
        var snapshots = new Option<string?>("--snapshots") { Description = "Directory of the snapshots the dashboard keeps (default: 'snapshots' beside the store)" };
        var maxUpload = new Option<string>("--max-upload") { Description = "Largest snapshot upload accepted (e.g. 2g)", DefaultValueFactory = _ => "8g" };
        var runtime = new Option<bool>("--runtime") { Description = "Also read heap used/total, external, arrayBuffers and the heap limit through each process's inspector (as watch --runtime)" };
        var allowedHosts = new Option<string[]>("--allowed-host")
        {
            Description = "A name (NAME or NAME:PORT) browsers may use for this server beyond its addresses and localhost, e.g. behind a proxy; repeatable",
        };
        var noToken = new Option<bool>("--no-token")
        {
            Description = "Serve without a token: any program and user of this machine may then read the dashboard (loopback addresses only)",
        };
        var cert = new Option<string?>("--cert") { Description = "TLS certificate (PEM) for https:// URLs, e.g. --urls https://0.0.0.0:7443 (with --key)" };
        var key = new Option<string?>("--key") { Description = "The private key (PEM) of --cert" };
        var json = new Option<bool>("--json") { Description = "Print the startup information (addresses, URL to open, store, pid) as JSON (shape in docs/serve.md)" };
        var loaded = new Option<int>("--loaded") { Description = "Analysed snapshots kept in memory at once", DefaultValueFactory = _ => 2 }.InRange(1, 64);

        var command = new Command("serve", "The dashboard: watch Node processes and analyse snapshots, with a web UI, a JSON API and /metrics");
        foreach (var o in new Option[] { urls, db, store, pids, pm2, interval, snapshots, maxUpload, loaded, runtime, allowedHosts, noToken, cert, key, json }) command.Options.Add(o);
        command.SetAction((parse, ct) =>
        {
            var urlList = parse.GetValue(urls) is { Length: > 0 } given ? given : [DefaultUrl];
            string? token = Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } t ? t : null;
            if (token is { Length: < 16 })
                throw new HeapdogException(ErrorKind.BadRequest, $"{TokenVariable} is too short to be a secret: use 16 characters or more");
            // A token always, as Jupyter does: HEAPDOG_TOKEN, else one made up now and printed in the URL to open.
            // Loopback is not enough to trust a browser (any page it shows may call 127.0.0.1), so going without is
            // asked for by name, and only there.
            bool generated = false;
            if (parse.GetValue(noToken))
            {
                if (token is not null)
                    throw new HeapdogException(ErrorKind.BadRequest, $"--no-token and {TokenVariable} contradict each other: unset {TokenVariable} or drop --no-token");
                if (!DashboardServer.LoopbackOnly(urlList))
                    throw new HeapdogException(ErrorKind.BadRequest, $"--no-token is refused: {string.Join(", ", urlList)} reaches beyond this machine; serve with a token (drop --no-token)");
            }
            else if (token is null)
            {
                token = TokenGate.NewToken();
                generated = true;
            }
            if ((parse.GetValue(cert) is null) != (parse.GetValue(key) is null))
                throw new HeapdogException(ErrorKind.BadRequest, "--cert and --key go together: the certificate and its private key");
            if (parse.GetValue(cert) is null && urlList.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
                throw new HeapdogException(ErrorKind.BadRequest, "an https:// URL needs --cert and --key");
            var pidList = parse.GetValue(pids) ?? [];
            bool onlyPm2 = parse.GetValue(pm2);
            if (pidList.Length > 0 && onlyPm2) throw new HeapdogException(ErrorKind.BadRequest, "--pid and --pm2 exclude each other");
            if (onlyPm2 && !Pm2Client.IsInstalled()) throw new HeapdogException(ErrorKind.ProcessUnavailable, "--pm2: pm2 is not on PATH");
            var every = parse.GetValue(interval);
            int keep = parse.GetValue(loaded);
            var storeAddress = ParseStore(parse.GetValue(store), parse.GetValue(db));
            // Snapshots live beside a store file; a PostgreSQL store has none, so beside the default store's place.
            string storeDirectory = Path.GetDirectoryName(storeAddress.Kind == StoreAddress.Sqlite ? storeAddress.Target : Path.GetFullPath(StorePaths.Default()))!;
            var options = new ServeOptions
            {
                Urls = urlList,
                Store = storeAddress,
                SnapshotsDir = Path.GetFullPath(parse.GetValue(snapshots) ?? Path.Combine(storeDirectory, "snapshots")),
                MaxUploadBytes = SizeText.Parse(parse.GetValue(maxUpload)!, "--max-upload"),
                LoadedSnapshots = keep,
                FixModes = parse.GetValue(CliHost.FixModes),
                RuntimeFigures = parse.GetValue(runtime),
                Token = token,
                TokenGenerated = generated,
                AllowedHosts = parse.GetValue(allowedHosts) ?? [],
                CertificatePath = parse.GetValue(cert),
                KeyPath = parse.GetValue(key),
                Watch = new WatchOptions
                {
                    Mode = pidList.Length > 0 ? TargetMode.Pids : onlyPm2 ? TargetMode.Pm2 : TargetMode.All,
                    Pids = pidList,
                    Interval = every,
                    DiscoverEvery = TimeSpan.FromSeconds(10),
                },
            };
            return DashboardServer.RunAsync(options, context.Out, context.Error, ct, parse.GetValue(json));
        });
        return command;
    }

    /// <summary><c>--store</c> or <c>--db</c> (one of them), else the default store file.</summary>
    private static StoreAddress ParseStore(string? store, string? db)
    {
        if (store is null) return StoreAddress.OfFile(db ?? StorePaths.Default());
        if (db is not null) throw new HeapdogException(ErrorKind.BadRequest, "--store and --db exclude each other: --db PATH is --store sqlite:PATH");
        try { return StoreAddress.Parse(store); }
        catch (FormatException e) { throw new HeapdogException(ErrorKind.BadRequest, e.Message, e); }
    }
}
