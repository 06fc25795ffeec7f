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
        command.Options.Add(json);
        command.Options.Add(podsRoot);

        command.SetAction(async (parse, ct) =>
        {
            var rows = await ProcessList.ReadAsync(ct, parse.GetValue(podsRoot));
            if (parse.GetValue(json)) ReportJson.Write(context.Out, PsResult.Build(rows, DateTimeOffset.UtcNow), HeapdogJsonContext.Default.PsResult);
            else WriteTable(context.Out, rows);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<ProcessListEntry> rows)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No Node.js processes found.");
            return;
        }
        var table = new TextTable(("PID", true), ("Name", false), ("RSS", true), ("CPU", true), ("Uptime", true), ("Limit", true),
            ("Inspector", false), ("Container", false), ("Pod", false), ("Command", false));
        foreach (var row in rows)
        {
            string command = row.Info.CommandLineText;
            table.AddRow(row.Info.Pid.ToString(CultureInfo.InvariantCulture),
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
                command.Length > 80 ? command[..77] + "..." : command);
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
