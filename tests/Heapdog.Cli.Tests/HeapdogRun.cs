using System.Diagnostics;
using System.Text;

namespace Heapdog.Cli.Tests;

/// <summary>Runs the built <c>heapdog</c> as a child process, as a user would.</summary>
public sealed record HeapdogRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<HeapdogRun> RunAsync(string workingDirectory, Action<string>? onStderrLine = null, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heapdog.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            onStderrLine?.Invoke(e.Data);
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit();
        string output = await stdout;
        lock (stderr) return new HeapdogRun(process.ExitCode, output, stderr.ToString());
    }
}
