using System.Diagnostics;
using System.Globalization;

namespace Heapdog.Testing;

/// <summary>
/// A real <c>node</c> running a program: a file (a bare name is looked up in Programs/ beside the tests, where every test
/// project copies its node programs) or inline code. NODE_OPTIONS is removed so that the machine's settings cannot
/// change what the program does; stdin stays open for <see cref="ChildProcess.WriteLine"/>.
/// </summary>
/// <remarks>
/// The programs announce readiness on stdout: services print "port N" once they listen (<see cref="PortAsync"/>), others
/// print "ready" (<see cref="ReadyAsync"/>); <see cref="ChildProcess.WaitForLineAsync"/> waits for anything else.
/// </remarks>
public sealed class NodeProgram : ChildProcess
{
    private readonly Lock _portGate = new();
    private Task<int>? _port;

    /// <param name="script">A path, or a file name in Programs/ beside the tests.</param>
    /// <param name="args">Arguments for the program.</param>
    /// <param name="flags">Options for node itself, before the program ("--inspect-port=0").</param>
    /// <param name="workingDirectory">The directory it runs in; the test output directory by default.</param>
    /// <param name="environment">Variables to set (or override) in its environment.</param>
    public NodeProgram(string script, IEnumerable<string>? args = null, IEnumerable<string>? flags = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
        : base(StartInfo([.. flags ?? [], Locate(script), .. args ?? []], workingDirectory, environment), "node " + Path.GetFileName(script))
    {
    }

    private NodeProgram(ProcessStartInfo start, string name) : base(start, name)
    {
    }

    /// <summary>Runs <paramref name="code"/> with <c>node -e</c>; <paramref name="args"/> are in <c>process.argv.slice(1)</c>.</summary>
    public static NodeProgram Inline(string code, IEnumerable<string>? args = null, IEnumerable<string>? flags = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(StartInfo([.. flags ?? [], "-e", code, .. args ?? []], workingDirectory, environment), "node -e (inline program)");

    /// <summary>
    /// Runs a program to its end and returns its stdout; throws with its stderr if it exits with another code than 0,
    /// and kills it with a <see cref="TimeoutException"/> if it runs longer than <paramref name="timeout"/>.
    /// </summary>
    public static string Run(string script, IEnumerable<string>? args = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        using var node = new NodeProgram(script, args);
        if (!node.WaitForExit(limit)) throw new TimeoutException($"{node.Name} did not finish within {limit}{node.Printed()}");
        if (node.ExitCode != 0) throw new InvalidOperationException($"{node.Name} exited with {node.ExitCode}{node.Printed()}");
        return node.Stdout;
    }

    /// <summary>The full path of <paramref name="script"/>: as given if rooted, else in Programs/ beside the tests.</summary>
    public static string Locate(string script)
    {
        string path = Path.IsPathRooted(script) ? script : Path.Combine(AppContext.BaseDirectory, "Programs", script);
        return File.Exists(path) ? path : throw new FileNotFoundException($"no node program {path}: a test project copies its programs to Programs/ (<None Include=\"Programs\\*.js\" CopyToOutputDirectory=\"PreserveNewest\" />)", path);
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("NODE_OPTIONS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    /// <summary>The HTTP port the program printed ("port N"); waits for that line the first time.</summary>
    public Task<int> PortAsync(TimeSpan? timeout = null)
    {
        lock (_portGate)
            return _port ??= ReadPortAsync(timeout);
    }

    private async Task<int> ReadPortAsync(TimeSpan? timeout)
    {
        string line = await WaitForLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal), "a \"port N\" line", timeout).ConfigureAwait(false);
        return int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for the line "ready".</summary>
    public Task ReadyAsync(TimeSpan? timeout = null) => WaitForLineAsync(l => l == "ready", "\"ready\"", timeout);

    /// <summary>GETs <paramref name="path"/> from the port the program printed and returns the body: the proof it still serves.</summary>
    public async Task<string> GetAsync(string path = "/")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{await PortAsync().ConfigureAwait(false)}{path}").ConfigureAwait(false);
    }
}
