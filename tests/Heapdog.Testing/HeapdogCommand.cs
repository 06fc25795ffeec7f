using System.Diagnostics;

namespace Heapdog.Testing;

/// <summary>
/// Runs the built <c>heapdog</c> as a user would: <c>dotnet exec heapdog.dll ARGS</c> as a child process. heapdog.dll is
/// taken from beside the tests: a test project that drives the CLI references src/Heapdog.Cli, which copies it there.
/// </summary>
public static class HeapdogCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>heapdog.dll in the test output directory.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "heapdog.dll");

    /// <summary>Runs <c>heapdog ARGS</c> in <paramref name="workingDirectory"/> to its end.</summary>
    public static Task<HeapdogRun> RunAsync(string workingDirectory, params string[] args) => RunAsync(workingDirectory, args, onStderrLine: null);

    /// <summary>
    /// Runs <c>heapdog ARGS</c> to its end. <paramref name="onStderrLine"/> sees each stderr line as it comes (to act at a
    /// given moment of the run). After <paramref name="timeout"/> (two minutes by default) the run is killed and a
    /// <see cref="TimeoutException"/> shows what it printed.
    /// </summary>
    public static async Task<HeapdogRun> RunAsync(string workingDirectory, IEnumerable<string> args, Action<string>? onStderrLine = null,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var heapdog = HeapdogProcess.Start(workingDirectory, args, environment, onStderrLine);
        int exitCode = await heapdog.WaitForExitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
        return new HeapdogRun(exitCode, heapdog.Stdout, heapdog.Stderr);
    }

    /// <summary>How to start <c>heapdog ARGS</c>; fails clearly when heapdog.dll was not built beside the tests.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Dll))
            throw new FileNotFoundException($"{Dll} is missing: a test project that runs heapdog references src/Heapdog.Cli/Heapdog.Cli.csproj, which builds it there", Dll);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }
}
