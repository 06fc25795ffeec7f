using System.CommandLine;
using System.Globalization;
using Heapdog.Cli.Output;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Sampling;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog sample PID --duration 30s</c>: the sampling heap profiler; which functions allocated the memory that is
/// still live at the end. Writes the raw profile as a <c>.heapprofile</c> that Chrome DevTools opens.
/// </summary>
public static class SampleCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("sample", "Sample allocations of a running Node process and rank the functions whose memory stays live");
        var target = new TargetOptions(command, kubectl: true);
        var duration = new Option<string>("--duration", "-d") { Description = "How long to sample (500ms, 30s, 2m)", DefaultValueFactory = _ => "30s" }.DurationInRange(TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        var output = new Option<string?>("--output", "-o") { Description = "Profile file for DevTools (default: heapdog-PID-TIME.heapprofile here)" };
        var interval = new Option<int>("--interval") { Description = "Average bytes between samples (smaller: more detail, more cost)", DefaultValueFactory = _ => HeapSampler.DefaultInterval }.InRange(1024, 64 * 1024 * 1024);
        var top = new Option<int>("--top") { Description = "How many allocation sites to list", DefaultValueFactory = _ => 20 }.InRange(1, OptionRange.MaxListed);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (see docs/sample.md)" };
        var force = OverwriteOption.Create("Replace the output file if it exists");
        var overwrite = OverwriteOption.Deprecated();
        command.Options.Add(duration);
        command.Options.Add(output);
        command.Options.Add(interval);
        command.Options.Add(top);
        command.Options.Add(json);
        command.Options.Add(force);
        command.Options.Add(overwrite);

        command.SetAction(async (parse, ct) =>
        {
            await using var reached = await target.OpenAsync(parse, context, ct);
            var options = reached.Options;
            var length = DurationText.Parse(parse.GetValue(duration)!, "--duration");
            int bytesPerSample = parse.GetValue(interval);
            if (bytesPerSample is < 1024 or > 64 * 1024 * 1024)
                throw new HeapdogException(ErrorKind.BadRequest, $"--interval must be between 1024 and 67108864 bytes, got {bytesPerSample}");
            int limit = Math.Max(1, parse.GetValue(top));
            bool replace = OverwriteOption.Read(parse, force, overwrite, context);
            string path = OutputPath.Check(parse.GetValue(output) ?? OutputPath.Default(options.Pid, ".heapprofile"), replace);

            SampledHeap sampled;
            int? pid;
            await using (var process = await ProcessAttach.AttachAsync(options, context, ct))
            {
                pid = process.Pid;
                sampled = await AllocationSampling.RunAsync(process, length, bytesPerSample, path, replace, context, ct);
            }
            context.Progress.Clear();

            var report = SampleResult.Build(pid, sampled, limit, path);
            if (parse.GetValue(json)) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.SampleResult);
            else WriteTable(context.Out, report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, SampleResult r)
    {
        output.WriteLine($"Allocations still live after {Format.Duration(TimeSpan.FromMilliseconds(r.DurationMs))} of sampling pid {r.Pid} " +
                         $"(one sample per {Format.Size(r.SamplingInterval)}): {Format.Size(r.TotalBytes)}");
        if (r.Sites.Count == 0)
        {
            output.WriteLine("  nothing allocated during sampling is still live");
        }
        else
        {
            var table = new TextTable(("Live", true), ("Share", true), ("Samples", true), ("Function", false), ("Where", false));
            foreach (var site in r.Sites)
                table.AddRow(Format.Size(site.Bytes), Format.Percent(r.TotalBytes == 0 ? 0 : (double)site.Bytes / r.TotalBytes),
                    Format.Count(site.Samples), site.Function.Length == 0 ? "(anonymous)" : site.Function, Where(site));
            table.Write(output);
        }
        foreach (var note in r.Sites.Select(s => s.SourceMapNote).OfType<string>().Distinct()) output.WriteLine($"source map: {note}");
        output.WriteLine($"Profile written to {r.Profile} (open it in Chrome DevTools > Memory > Load).");
    }

    private static string Where(SampleResult.SampledSite site)
    {
        string generated = site.Url.Length == 0 ? "" : site.Line == 0 ? site.Url : $"{site.Url}:{site.Line.ToString(CultureInfo.InvariantCulture)}:{site.Column.ToString(CultureInfo.InvariantCulture)}";
        return site.Original is { } o ? $"{o} ({generated})" : generated;
    }
}
