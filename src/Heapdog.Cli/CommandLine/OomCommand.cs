using System.CommandLine;
using System.Globalization;
using Heapdog.Cli.Output;
using Heapdog.Monitoring.Oom;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Oom;
using Heapdog.Workflows.Reports.Oom;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog oom</c>: finds processes that died for lack of memory and explains them with what
/// <c>heapdog watch</c> recorded. See docs/oom.md.</summary>
public static class OomCommand
{
    public static Command Create(CliContext context)
    {
        var since = new Option<string?>("--since") { Description = "Only events after this: a duration back from now (2h, 3d) or a time (2026-11-21T10:00:00Z)" };
        var logs = new Option<string[]>("--log", "-l") { Description = "Read this log instead of the kernel's (kernel log, a Node process's stderr, or a pm2 log; repeatable)" };
        var db = new Option<string?>("--db") { Description = "Store written by heapdog watch (default: the default store, if it exists)" };
        var json = new Option<bool>("--json") { Description = "Print the events as JSON (shape in docs/oom.md)" };
        var command = new Command("oom", "Find processes killed for lack of memory (kernel, cgroup, V8 heap, pm2) and what they looked like before");
        foreach (var o in new Option[] { since, logs, db, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? from = parse.GetValue(since) is { } s ? OomSearch.ParseSince(s) : null;
            var (reads, findings, skipped) = await OomSearch.RunAsync(parse.GetValue(logs) ?? [], parse.GetValue(db), from, ct);
            foreach (var r in reads)
                if (r.Note is { } note) context.Notice(note);

            if (parse.GetValue(json)) ReportJson.Write(context.Out, OomResult.Build(reads, findings, skipped), HeapdogJsonContext.Default.OomResult);
            else WriteText(context.Out, reads, findings, skipped, context.Colours);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteText(TextWriter o, IReadOnlyList<OomSources.SourceRead> reads, IReadOnlyList<OomFinding> findings, int skipped, Colours colours)
    {
        if (findings.Count == 0) o.WriteLine("No OOM deaths found.");
        foreach (var f in findings)
        {
            var e = f.Event;
            string when = e.Time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : e.UptimeSeconds is { } up ? $"uptime {up:0.0} s" : "time unknown";
            string who = e.Pid is { } pid ? $"pid {pid}" : e.Pm2Id is { } id ? $"pm2 app {id}" : "pid unknown";
            o.WriteLine($"{when}  {OomEvent.KindName(e.Kind)}  {who}{(e.Name is null ? "" : $" ({e.Name})")}  [{e.Source}{(e.LineNumber > 0 ? ":" + e.LineNumber : "")}]");
            var details = new List<string>();
            if (e.AnonRssBytes is { } anon) details.Add($"anon-rss {Format.Size(anon)}");
            if (e.FileRssBytes is { } file) details.Add($"file-rss {Format.Size(file)}");
            if (e.MemcgLimitBytes is { } lim) details.Add($"cgroup limit {Format.Size(lim)}");
            if ((e.OomMemcg ?? e.TaskMemcg) is { } memcg) details.Add($"cgroup {memcg}");
            if (e.TriggeredBy is { } trig && trig != e.Name) details.Add($"allocation by {trig}");
            if (e.Reason is { } reason) details.Add(reason);
            if (e.CurrentMemoryBytes is { } cur && e.MaxMemoryBytes is { } max) details.Add($"memory {Format.Size(cur)} over the {Format.Size(max)} limit");
            if (details.Count > 0) o.WriteLine("    " + string.Join(", ", details));
            foreach (var gc in e.LastGcs) o.WriteLine("    gc: " + gc);
            foreach (var snap in e.Snapshots) o.WriteLine("    snapshot written near the heap limit: " + snap);
            if (f.Process is { } p)
            {
                o.WriteLine($"    watched as {p.Name} (started {Format.Iso(p.StartTimeMs)}): {(f.Verdict is { } verdict ? colours.ByVerdict(verdict.Status, verdict.Text) : "no verdict")}");
                foreach (var s in f.LastSamples)
                    o.WriteLine($"      {Format.Iso(s.TimeMs)}  rss {Format.Size(s.Rss)}  js heap {(s.HeapUsed >= 0 ? Format.Size(s.HeapUsed) : s.V8Heap >= 0 ? Format.Size(s.V8Heap) : "-")}  native {(s.Native >= 0 ? Format.Size(s.Native) : "-")}");
                foreach (var snap in f.Snapshots) o.WriteLine($"    snapshot taken {Format.Iso(snap.TimeMs)}: {snap.Detail}");
            }
        }
        o.WriteLine();
        o.WriteLine($"{findings.Count} event(s) from {reads.Count(r => r.Result is not null)} source(s); {skipped} line(s) skipped as malformed or unrelated.");
    }
}
