using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Heapdog.Cli.Output;
using Heapdog.Inspector;

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
        var target = new TargetOptions(command);
        var duration = new Option<string>("--duration", "-d") { Description = "How long to sample (500ms, 30s, 2m)", DefaultValueFactory = _ => "30s" };
        var output = new Option<string?>("--output", "-o") { Description = "Profile file for DevTools (default: heapdog-PID-TIME.heapprofile here)" };
        var interval = new Option<int>("--interval") { Description = "Average bytes between samples (smaller: more detail, more cost)", DefaultValueFactory = _ => HeapSampler.DefaultInterval };
        var top = new Option<int>("--top") { Description = "How many allocation sites to list", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (see docs/sample.md)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the output file if it exists" };
        command.Options.Add(duration);
        command.Options.Add(output);
        command.Options.Add(interval);
        command.Options.Add(top);
        command.Options.Add(json);
        command.Options.Add(overwrite);

        command.SetAction(async (parse, ct) =>
        {
            var options = target.Read(parse);
            var length = DurationText.Parse(parse.GetValue(duration)!, "--duration");
            int bytesPerSample = parse.GetValue(interval);
            if (bytesPerSample is < 1024 or > 64 * 1024 * 1024)
                throw new HeapdogException($"--interval must be between 1024 and 67108864 bytes, got {bytesPerSample}", ExitCodes.Usage);
            int limit = Math.Max(1, parse.GetValue(top));
            bool replace = parse.GetValue(overwrite);
            string path = OutputPath.Check(parse.GetValue(output) ?? OutputPath.Default(options.Pid, ".heapprofile"), replace);

            SampledHeap sampled;
            int? pid;
            await using (var process = await TargetOptions.AttachAsync(options, context, ct))
            {
                pid = process.Pid;
                var progress = new SyncProgress<double>(f => context.Progress.Report($"sampling pid {process.Pid} for {Format.Duration(length)}", f));
                try { sampled = await HeapSampler.RunAsync(process.Connection, length, bytesPerSample, progress, ct); }
                catch (InspectorException ex) { throw TargetOptions.Translate(ex); }
            }
            await OutputPath.WriteAsync(path, replace, async stream =>
            {
                await using var writer = new Utf8JsonWriter(stream);
                sampled.Profile.WriteTo(writer);
            });
            context.Progress.Clear();

            var sites = sampled.Sites.Take(limit).ToList();
            if (parse.GetValue(json)) await WriteJsonAsync(context.Out, pid, sampled, sites, path);
            else WriteTable(context.Out, pid, sampled, sites, path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, int? pid, SampledHeap sampled, List<AllocationSite> sites, string path)
    {
        output.WriteLine($"Allocations still live after {Format.Duration(sampled.Duration)} of sampling pid {pid} " +
                         $"(one sample per {Format.Size(sampled.SamplingInterval)}): {Format.Size(sampled.TotalBytes)}");
        if (sites.Count == 0)
        {
            output.WriteLine("  nothing allocated during sampling is still live");
        }
        else
        {
            var table = new TextTable(("Live", true), ("Share", true), ("Samples", true), ("Function", false), ("Where", false));
            foreach (var site in sites)
                table.AddRow(Format.Size(site.Bytes), Format.Percent(sampled.TotalBytes == 0 ? 0 : (double)site.Bytes / sampled.TotalBytes),
                    Format.Count(site.Samples), site.FunctionName.Length == 0 ? "(anonymous)" : site.FunctionName, Where(site));
            table.Write(output);
        }
        output.WriteLine($"Profile written to {path} (open it in Chrome DevTools > Memory > Load).");
    }

    private static string Where(AllocationSite site) =>
        site.Url.Length == 0 ? "" : site.Line == 0 ? site.Url : $"{site.Url}:{site.Line.ToString(CultureInfo.InvariantCulture)}:{site.Column.ToString(CultureInfo.InvariantCulture)}";

    internal static async Task WriteJsonAsync(TextWriter output, int? pid, SampledHeap sampled, List<AllocationSite> sites, string path)
    {
        Json.Write(output, w =>
        {
            w.WriteStartObject();
            if (pid is int p) w.WriteNumber("pid", p); else w.WriteNull("pid");
            w.WriteNumber("durationMs", (long)sampled.Duration.TotalMilliseconds);
            w.WriteNumber("samplingInterval", sampled.SamplingInterval);
            w.WriteNumber("totalBytes", sampled.TotalBytes);
            w.WriteString("profile", path);
            w.WriteStartArray("sites");
            foreach (var site in sites)
            {
                w.WriteStartObject();
                w.WriteString("function", site.FunctionName);
                w.WriteString("url", site.Url);
                w.WriteNumber("line", site.Line);
                w.WriteNumber("column", site.Column);
                w.WriteNumber("bytes", site.Bytes);
                w.WriteNumber("samples", site.Samples);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
