using System.Diagnostics;

namespace Heapdog.Processes.Tests;

/// <summary>A real node process running a script from the test output directory; killed on dispose.</summary>
public sealed class NodeProgram : IDisposable
{
    private readonly Process _process;

    public NodeProgram(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>Waits for the first line the program prints (it prints "ready" once set up).</summary>
    public string WaitReady() => _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("node exited early");

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
