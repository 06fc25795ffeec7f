using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Heapdog.Cli.Output;
using Heapdog.Cli.Rendering;
using Heapdog.Inspector;
using Heapdog.Processes;
using Heapdog.Server.Hosting;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Reports.Watch;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog ps</c>: the Node processes on this host, read from /proc without touching them.</summary>
public static class PsCommand
{
    private static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(500);

    private sealed record Row(ProcessInfo Info, double CpuPercent, long? CgroupLimit, int? InspectorPort, string? Pm2Name);

    public static Command Create(CliContext context)
    {
        var command = new Command("ps", "List the Node.js processes on this host: memory, CPU, limits, inspector state, pm2 name");
        var json = new Option<bool>("--json") { Description = "Print the list as JSON (see docs/ps.md)" };
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            var pm2 = Pm2Client.ListAsync(ct);
            var first = NodeProcessFinder.FindAll();
            var clock = Stopwatch.StartNew();
            await Task.Delay(CpuWindow, ct);
            var rows = new List<Row>(first.Count);
            var apps = await pm2 ?? [];
            foreach (var info in first)
            {
                // CPU % over the window, of one core (like top); a process that exited or was replaced meanwhile is dropped.
                if (ProcessReader.TryReadStat(info.Pid) is not { } now || now.StartTicks != info.Stat.StartTicks) continue;
                double cpu = (now.UserTicks + now.SystemTicks - info.Stat.UserTicks - info.Stat.SystemTicks)
                             / (double)ProcessReader.TicksPerSecond / clock.Elapsed.TotalSeconds * 100;
                rows.Add(new Row(info, Math.Round(cpu, 1), CgroupMemory.ForPid(info.Pid)?.LimitBytes,
                    await NodeInspector.FindListeningPortAsync(info.Pid, ct),
                    apps.FirstOrDefault(a => a.Pid == info.Pid)?.Name));
            }
            if (parse.GetValue(json)) await WriteJsonAsync(context.Out, rows);
            else WriteTable(context.Out, rows);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, List<Row> rows)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No Node.js processes found.");
            return;
        }
        var table = new TextTable(("PID", true), ("Name", false), ("RSS", true), ("CPU", true), ("Uptime", true), ("Limit", true),
            ("Inspector", false), ("Command", false));
        foreach (var row in rows)
        {
            string command = row.Info.CommandLineText;
            table.AddRow(row.Info.Pid.ToString(CultureInfo.InvariantCulture),
                row.Pm2Name is null ? row.Info.Comm : $"{row.Pm2Name} (pm2)",
                Format.Size(row.Info.Status.RssBytes),
                row.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
                Format.Duration(DateTimeOffset.UtcNow - row.Info.StartTime),
                row.CgroupLimit is long limit ? Format.Size(limit) : "none",
                row.InspectorPort is int port ? $"port {port}" : "off",
                command.Length > 80 ? command[..77] + "..." : command);
        }
        table.Write(output);
    }

    private static async Task WriteJsonAsync(TextWriter output, List<Row> rows)
    {
        Json.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("processes");
            foreach (var row in rows)
            {
                var info = row.Info;
                w.WriteStartObject();
                w.WriteNumber("pid", info.Pid);
                w.WriteString("name", info.Comm);
                w.WriteString("commandLine", info.CommandLineText);
                w.WriteNumber("rssBytes", info.Status.RssBytes);
                w.WriteNumber("cpuPercent", row.CpuPercent);
                w.WriteString("startedAt", info.StartTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                w.WriteNumber("uptimeSeconds", (long)(DateTimeOffset.UtcNow - info.StartTime).TotalSeconds);
                if (row.CgroupLimit is long limit) w.WriteNumber("cgroupMemoryLimitBytes", limit); else w.WriteNull("cgroupMemoryLimitBytes");
                if (row.InspectorPort is int port) w.WriteNumber("inspectorPort", port); else w.WriteNull("inspectorPort");
                if (row.Pm2Name is { } name) w.WriteString("pm2Name", name); else w.WriteNull("pm2Name");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
