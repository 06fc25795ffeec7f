using System.Diagnostics;

namespace Heapdog.Inspector.Tests;

/// <summary>A real node process running one of the test programs; killed on Dispose.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stderr = [];

    public NodeProcess(string program, string[]? nodeFlags = null, string? workingDirectory = null, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var flag in nodeFlags ?? []) start.ArgumentList.Add(flag);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Programs", program));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("NODE_OPTIONS");
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("port ", StringComparison.Ordinal) == true) _port.TrySetResult(int.Parse(e.Data[5..]));
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException("node exited: " + Stderr));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public Process Process => _process;

    public string Stderr { get { lock (_stderr) return string.Join('\n', _stderr); } }

    /// <summary>The HTTP port the program printed ("port N").</summary>
    public Task<int> PortAsync() => _port.Task.WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>GETs / and returns the body: the proof the process still serves.</summary>
    public async Task<string> GetAsync(string path = "/")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{await PortAsync()}{path}");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
