using System.CommandLine;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Arm;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog arm PID [--count N]</c>: asks the process to write a heap snapshot itself when its heap nears the limit
/// (<c>v8.setHeapSnapshotNearHeapLimit</c>), so a process about to die of a JS-heap OOM leaves evidence. Node writes
/// the files to its <c>--diagnostic-dir</c> or working directory; that cannot be changed while it runs, so Heapdog
/// reports where they will land instead of offering a directory option.
/// </summary>
public static class ArmCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("arm", "Make a running Node process write a heap snapshot by itself when it nears its heap limit");
        var target = new TargetOptions(command);
        var count = new Option<int>("--count") { Description = "How many snapshots the process may write (one per near-limit event)", DefaultValueFactory = _ => 1 }.InRange(1, 100);
        var json = new Option<bool>("--json") { Description = "Print what the process was told as JSON (shape in docs/arm.md)" };
        command.Options.Add(count);
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            var options = target.Read(parse);
            int n = parse.GetValue(count);
            if (n is < 1 or > 100) throw new HeapdogException(ErrorKind.BadRequest, $"--count must be between 1 and 100, got {n}");

            System.Text.Json.JsonElement state;
            int? pid;
            await using (var process = await ProcessAttach.AttachAsync(options, context, ct))
            {
                pid = process.Pid;
                try { state = await process.Connection.EvaluateAsync(ArmExpression(n), commandLineApi: true, cancellationToken: ct); }
                catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }
            }
            context.Progress.Clear();

            string how = state.GetProperty("armedBy").GetString()!;
            int armedCount = state.GetProperty("count").GetInt32();
            long limit = state.GetProperty("heapLimit").GetInt64();
            string dir = state.GetProperty("directory").GetString()!;
            bool fromFlag = state.GetProperty("diagnosticDir").GetBoolean();
            // Near the limit the file is about twice the heap limit: warn while there is still time to make room.
            string local = pid is int p && ProcessAttach.LocalPid(options) is not null ? $"/proc/{p}/root{dir}" : dir;
            long? free = Directory.Exists(local) ? new DriveInfo(local).AvailableFreeSpace : null;
            if (free is long f && f < 2 * limit * armedCount)
                context.Notice($"warning: {dir} has {Format.Size(f)} free; a near-limit snapshot may need about {Format.Size(2 * limit)}");
            if (parse.GetValue(json))
            {
                ReportJson.Write(context.Out, new ArmResult(1, pid, how, armedCount, limit, dir, fromFlag, free), HeapdogJsonContext.Default.ArmResult);
                return ExitCodes.Success;
            }
            await context.Out.WriteLineAsync(how switch
            {
                "flag" => $"pid {pid} was already armed by --heapsnapshot-near-heap-limit={armedCount}; nothing changed.",
                "earlier" => $"pid {pid} was already armed by Heapdog (count {armedCount}); Node accepts this only once per process, nothing changed.",
                _ => $"pid {pid} armed: when its heap nears its limit ({Format.Size(limit)}) it writes up to {armedCount} snapshot(s) before it dies.",
            });
            await context.Out.WriteLineAsync(
                $"Snapshots will be written to {dir} ({(fromFlag ? "its --diagnostic-dir" : "its working directory; Node cannot redirect them while it runs, start it with --diagnostic-dir=DIR to choose")}), " +
                $"named Heap.<date>.<time>.{pid}.0.<seq>.heapsnapshot.");
            return ExitCodes.Success;
        });
        return command;
    }

    // Synchronous and guarded: nothing injected may throw later in the target. The marker is a non-enumerable symbol so
    // the application never sees it, and it tells a second `arm` that Node already ignored the call.
    private static string ArmExpression(int count) => $$"""
        (() => {
          const v8 = require('v8'), path = require('path');
          const key = Symbol.for('heapdog.armed');
          const flags = process.execArgv.join(' ') + ' ' + (process.env.NODE_OPTIONS || '');
          const byFlag = /--heapsnapshot-near-heap-limit[= ](\d+)/.exec(flags);
          const dirFlag = /--diagnostic-dir[= ](\S+)/.exec(flags);
          let armedBy = 'now', count = {{count}};
          if (byFlag) { armedBy = 'flag'; count = Number(byFlag[1]); }
          else if (globalThis[key]) { armedBy = 'earlier'; count = globalThis[key]; }
          else { v8.setHeapSnapshotNearHeapLimit(count); Object.defineProperty(globalThis, key, { value: count }); }
          return { armedBy, count, heapLimit: v8.getHeapStatistics().heap_size_limit,
                   directory: dirFlag ? path.resolve(dirFlag[1]) : process.cwd(), diagnosticDir: !!dirFlag };
        })()
        """;
}
