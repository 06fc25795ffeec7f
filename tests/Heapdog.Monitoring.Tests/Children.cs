using System.Diagnostics;
using System.Text;

namespace Heapdog.Monitoring.Tests;

/// <summary>Starts real child processes for tests: node scripts from the test output, and the built heapdog CLI.</summary>
internal static class Children
{
    public static Process Node(string script)
    {
        var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        var p = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        p.StandardOutput.ReadLine().ShouldBe("ready");
        return p;
    }

    /// <summary>Starts <c>heapdog ARGS</c> (the CLI built beside the tests) with stdout and stderr redirected.</summary>
    public static Process Heapdog(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heapdog.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("heapdog did not start");
    }

    public static void Kill(Process? p)
    {
        if (p is null) return;
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }
}
