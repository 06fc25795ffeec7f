using System.CommandLine;
using System.Diagnostics;
using Heapdog.Inspector;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog demo</c>: starts the leaking Node service shipped with Heapdog, hunts it, prints the report and stops it.
/// The service is started like any production process (no inspector), so the demo also shows the SIGUSR1 attach.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Start a small leaking Node service, hunt its leak, print the report and stop it");
        var snapshots = new Option<int>("--snapshots") { Description = "How many snapshots", DefaultValueFactory = _ => 3 }.InRange(HuntSeries.MinSnapshots, HuntSeries.MaxSnapshots);
        var interval = new Option<string>("--interval", "-i") { Description = "Time between snapshots", DefaultValueFactory = _ => "10s" }.DurationInRange(TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var keep = new Option<string?>("--keep") { Description = "Keep the snapshots in this directory" };
        command.Options.Add(snapshots);
        command.Options.Add(interval);
        command.Options.Add(json);
        command.Options.Add(keep);

        command.SetAction(async (parse, ct) =>
        {
            var wait = DurationText.Parse(parse.GetValue(interval)!, "--interval");
            // The service is embedded in heapdog itself, so the demo works from a lone binary; it is written to a
            // private temporary directory (mode 700) for this run and removed with it.
            var scriptDirectory = Directory.CreateTempSubdirectory("heapdog-demo-");
            try
            {
                string script = WriteService(scriptDirectory.FullName);
                return await RunServiceAsync(script, parse, context, snapshots, wait, json, keep, ct);
            }
            finally
            {
                try { scriptDirectory.Delete(recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        });
        return command;
    }

    private const string ServiceResource = "Demo/leaky-service.js";

    /// <summary>Writes the embedded demo service into <paramref name="directory"/> and returns its path.</summary>
    private static string WriteService(string directory)
    {
        using var source = typeof(DemoCommand).Assembly.GetManifestResourceStream(ServiceResource)
            ?? throw new HeapdogException(ErrorKind.NotFound, $"this build of heapdog has no demo service (resource {ServiceResource})");
        string script = Path.Combine(directory, "leaky-service.js");
        using (var target = File.Create(script)) source.CopyTo(target);
        return script;
    }

    private static async Task<int> RunServiceAsync(string script, ParseResult parse, CliContext context, Option<int> snapshots,
        TimeSpan wait, Option<bool> json, Option<string?> keep, CancellationToken ct)
    {
        // --inspect-port=0: SIGUSR1 then opens the inspector on a free port, so the demo never competes for 9229.
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--inspect-port=0");
        start.ArgumentList.Add(script);
        Process service;
        try { service = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new HeapdogException(ErrorKind.ProcessUnavailable, "cannot start the demo: 'node' is not on PATH", ex);
        }
        using var _ = service;
        service.ErrorDataReceived += (_, _) => { };
        service.BeginErrorReadLine();
        try
        {
            string? line = await service.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), ct);
            if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
                throw new HeapdogException(ErrorKind.ProcessUnavailable, "the demo service did not start");
            context.Info($"Demo service running as pid {service.Id} on http://127.0.0.1:{line[5..]}/ (it sends itself requests and leaks).");
            return await HuntCommand.RunAsync(new AttachOptions { Pid = service.Id }, parse.GetValue(snapshots), wait,
                parse.GetValue(json), parse.GetValue(keep), force: false, context, ct);
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync(CancellationToken.None);
            }
            context.Info($"Demo service (pid {service.Id}) stopped.");
        }
    }
}
