using System.Globalization;

namespace Heapdog.Testing;

/// <summary>
/// A long-running <c>heapdog</c> child process (<c>watch</c>, <c>serve</c>), read while it runs; killed with its children
/// on Dispose. <see cref="StartServeAsync"/> starts <c>serve</c> on a free loopback port and returns once it listens,
/// with the URL it printed to open (its token in it).
/// </summary>
public sealed class HeapdogProcess : ChildProcess
{
    private const string OpenPrefix = "heapdog serve: open ";
    private readonly Uri? _baseAddress;

    private HeapdogProcess(string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment,
        Action<string>? onStderrLine, Uri? baseAddress)
        : base(HeapdogCommand.StartInfo(workingDirectory, args, environment), args.Count > 0 ? "heapdog " + args[0] : "heapdog", onStderrLine)
    {
        _baseAddress = baseAddress;
    }

    /// <summary>Where <c>serve</c> listens ("http://127.0.0.1:PORT/"); only for a process from <see cref="StartServeAsync"/>.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException($"{Name} was not started by {nameof(StartServeAsync)}");

    /// <summary>The URL <c>serve</c> printed on stderr to open in a browser ("http://127.0.0.1:PORT/?token=…"); null
    /// with <c>--no-token</c>.</summary>
    public Uri? OpenUrl { get; private set; }

    /// <summary>The token <c>serve</c> requires: the one in <see cref="OpenUrl"/>, or HEAPDOG_TOKEN as given; null with
    /// <c>--no-token</c>.</summary>
    public string? Token { get; private set; }

    /// <summary>A client of the server that sends <see cref="Token"/> as <c>Authorization: Bearer</c>, with a timeout
    /// (the caller disposes it).</summary>
    public HttpClient NewClient()
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (Token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return http;
    }

    /// <summary>Starts <c>heapdog ARGS</c> and returns at once.</summary>
    public static HeapdogProcess Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onStderrLine = null) =>
        new(workingDirectory, [.. args], environment, onStderrLine, baseAddress: null);

    /// <summary>
    /// Starts <c>heapdog serve --urls http://127.0.0.1:PORT ARGS</c> (a free port unless <paramref name="port"/> is given)
    /// and waits for its first stdout line, "heapdog serve: …", printed once it listens, then (unless <c>--no-token</c>
    /// is among <paramref name="args"/>) for the "heapdog serve: open URL" line on stderr. If another line comes first,
    /// the process exits, or a minute passes, it is killed and the exception shows what it printed.
    /// </summary>
    public static async Task<HeapdogProcess> StartServeAsync(string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, int? port = null, TimeSpan? timeout = null)
    {
        string origin = $"http://127.0.0.1:{(port ?? LoopbackPort.Free()).ToString(CultureInfo.InvariantCulture)}";
        string[] all = ["serve", "--urls", origin, .. args];
        var opened = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new HeapdogProcess(workingDirectory, all, environment, line =>
        {
            if (line.StartsWith(OpenPrefix, StringComparison.Ordinal)) opened.TrySetResult(line[OpenPrefix.Length..].Trim());
        }, new Uri(origin + "/"));
        try
        {
            var limit = timeout ?? TimeSpan.FromMinutes(1);
            string first = await server.WaitForLineAsync(_ => true, "the \"heapdog serve:\" line", limit).ConfigureAwait(false);
            if (!first.StartsWith("heapdog serve:", StringComparison.Ordinal))
                throw new InvalidOperationException($"heapdog serve did not start: its first line was \"{first}\"{server.Printed()}");
            if (!all.Contains("--no-token"))
            {
                // Printed right after the stdout line, but read by another thread: it may arrive a moment later.
                string url;
                try { url = await opened.Task.WaitAsync(limit).ConfigureAwait(false); }
                catch (TimeoutException) { throw new TimeoutException($"heapdog serve printed no \"{OpenPrefix}URL\" line on stderr{server.Printed()}"); }
                server.OpenUrl = new Uri(url);
                string? printed = System.Web.HttpUtility.ParseQueryString(server.OpenUrl.Query)["token"];
                server.Token = printed == "$HEAPDOG_TOKEN" ? environment?.GetValueOrDefault("HEAPDOG_TOKEN") : printed;
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }
}
