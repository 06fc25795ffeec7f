using System.CommandLine;
using System.Globalization;
using Heapdog.Cli.Output;
using Heapdog.Processes;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Ps;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog ps</c>: the Node processes on this host, read from /proc without touching them.</summary>
public static class PsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("ps", "List the Node.js processes on this host: memory, CPU, limits, inspector state, pm2 name");
        var json = new Option<bool>("--json") { Description = "Print the list as JSON (see docs/ps.md)" };
        var podsRoot = new Option<string>("--pods-root")
        {
            Description = $"Where the kubelet keeps pod logs, to name pods ($HEAPDOG_PODS_ROOT, else {KubeletPods.DefaultRoot})",
        };
        var pid = new Option<int?>("--pid") { Description = "List only this process" }.InRange(1, int.MaxValue);
        var workers = new Option<bool>("--workers")
        {
            Description = "Also list each process's worker threads; this opens an inspector session on each process for a moment (see docs/ps.md)",
        };
        command.Options.Add(json);
        command.Options.Add(podsRoot);
        command.Options.Add(pid);
        command.Options.Add(workers);

        command.SetAction(async (parse, ct) =>
        {
            bool withWorkers = parse.GetValue(workers);
            var rows = await ProcessList.ReadAsync(ct, parse.GetValue(podsRoot), parse.GetValue(pid), withWorkers);
            if (parse.GetValue(json)) ReportJson.Write(context.Out, PsResult.Build(rows, DateTimeOffset.UtcNow), HeapdogJsonContext.Default.PsResult);
            else
            {
                WriteTable(context.Out, rows, withWorkers);
                foreach (var row in rows.Where(r => r.WorkersError is not null))
                    await context.Error.WriteLineAsync($"heapdog: warning: the worker threads of pid {row.Info.Pid} could not be read: {row.WorkersError}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<ProcessListEntry> rows, bool withWorkers)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No Node.js processes found.");
            return;
        }
        (string, bool)[] columns = [("PID", true), ("Name", false), ("RSS", true), ("CPU", true), ("Uptime", true), ("Limit", true),
            ("Inspector", false), ("Container", false), ("Pod", false), .. withWorkers ? [("Workers", false)] : Array.Empty<(string, bool)>(),
            ("Command", false)];
        var table = new TextTable(columns);
        foreach (var row in rows)
        {
            string command = row.Info.CommandLineText;
            string[] workers = !withWorkers ? []
                : [row.Workers is null ? "?" : row.Workers.Count == 0 ? "none" : string.Join(", ", row.Workers.Select(w => w.Id))];
            table.AddRow([row.Info.Pid.ToString(CultureInfo.InvariantCulture),
                row.Pm2Name is null ? row.Info.Comm : $"{row.Pm2Name} (pm2)",
                Format.Size(row.Info.Status.RssBytes),
                row.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
                Format.Duration(DateTimeOffset.UtcNow - row.Info.StartTime),
                row.CgroupLimitBytes is long limit
                    ? row.CgroupUsageBytes is long used ? $"{Format.Size(used)} of {Format.Size(limit)}" : Format.Size(limit)
                    : "none",
                row.InspectorPort is int port ? $"port {port}" : "off",
                ContainerText(row.Container),
                PodText(row.Container),
                .. workers,
                command.Length > 80 ? command[..77] + "..." : command]);
        }
        table.Write(output);
    }

    /// <summary>"containerd 3f2a9c1b7d4e pid 1": the runtime, the id as docker prints it (12 digits) and the pid inside.</summary>
    private static string ContainerText(ProcessContainer? c)
    {
        if (c is null) return "-";
        var parts = new List<string>(3);
        if (c.Container is { } container)
        {
            parts.Add(container.Runtime ?? "container");
            parts.Add(container.ContainerId[..12]);
        }
        if (c.NamespacePid is int nsPid) parts.Add($"pid {nsPid.ToString(CultureInfo.InvariantCulture)}");
        return string.Join(' ', parts);
    }

    /// <summary>"NAMESPACE/POD/CONTAINER", with what is known of it.</summary>
    private static string PodText(ProcessContainer? c)
    {
        if (c?.PodName is not { } pod) return "-";
        string text = c.PodNamespace is { } ns ? $"{ns}/{pod}" : pod;
        return c.ContainerName is { } name ? $"{text}/{name}" : text;
    }
}
