using System.Globalization;

namespace Heapdog.Testing;

/// <summary>
/// A long-running <c>heapdog</c> child process (<c>watch</c>, <c>serve</c>), read while it runs; killed with its children
/// on Dispose. <see cref="StartServeAsync"/> starts <c>serve</c> on a free loopback port and returns once it listens.
/// </summary>
public sealed class HeapdogProcess : ChildProcess
{
    private readonly Uri? _baseAddress;

    private HeapdogProcess(string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment,
        Action<string>? onStderrLine, Uri? baseAddress)
        : base(HeapdogCommand.StartInfo(workingDirectory, args, environment), args.Count > 0 ? "heapdog " + args[0] : "heapdog", onStderrLine)
    {
        _baseAddress = baseAddress;
    }

    /// <summary>Where <c>serve</c> listens ("http://127.0.0.1:PORT/"); only for a process from <see cref="StartServeAsync"/>.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException($"{Name} was not started by {nameof(StartServeAsync)}");

    /// <summary>Starts <c>heapdog ARGS</c> and returns at once.</summary>
    public static HeapdogProcess Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onStderrLine = null) =>
        new(workingDirectory, [.. args], environment, onStderrLine, baseAddress: null);

    /// <summary>
    /// Starts <c>heapdog serve --urls http://127.0.0.1:PORT ARGS</c> (a free port unless <paramref name="port"/> is given)
    /// and waits for its first stdout line, "heapdog serve: …", printed once it listens. If another line comes first, the
    /// process exits, or a minute passes, it is killed and the exception shows what it printed.
    /// </summary>
    public static async Task<HeapdogProcess> StartServeAsync(string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, int? port = null, TimeSpan? timeout = null)
    {
        string origin = $"http://127.0.0.1:{(port ?? LoopbackPort.Free()).ToString(CultureInfo.InvariantCulture)}";
        var server = new HeapdogProcess(workingDirectory, ["serve", "--urls", origin, .. args], environment, null, new Uri(origin + "/"));
        try
        {
            string first = await server.WaitForLineAsync(_ => true, "the \"heapdog serve:\" line", timeout ?? TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            if (!first.StartsWith("heapdog serve:", StringComparison.Ordinal))
                throw new InvalidOperationException($"heapdog serve did not start: its first line was \"{first}\"{server.Printed()}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }
}
