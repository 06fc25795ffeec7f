using System.CommandLine;
using System.Globalization;
using Heapdog.Cli.Output;
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
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            var rows = await ProcessList.ReadAsync(ct);
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
            ("Inspector", false), ("Command", false));
        foreach (var row in rows)
        {
            string command = row.Info.CommandLineText;
            table.AddRow(row.Info.Pid.ToString(CultureInfo.InvariantCulture),
                row.Pm2Name is null ? row.Info.Comm : $"{row.Pm2Name} (pm2)",
                Format.Size(row.Info.Status.RssBytes),
                row.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
                Format.Duration(DateTimeOffset.UtcNow - row.Info.StartTime),
                row.CgroupLimitBytes is long limit ? Format.Size(limit) : "none",
                row.InspectorPort is int port ? $"port {port}" : "off",
                command.Length > 80 ? command[..77] + "..." : command);
        }
        table.Write(output);
    }
}
