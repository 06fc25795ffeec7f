using System.Globalization;
using System.Text.RegularExpressions;

namespace Heapdog.Monitoring.Oom;

/// <summary>
/// Reads kernel logs (dmesg, <c>journalctl -k</c>, kern.log, messages), a Node process's stderr and pm2 logs, line by
/// line, and assembles OOM events. A kernel kill written over several lines (<c>invoked oom-killer</c>,
/// <c>oom-kill:…</c>, <c>Killed process</c>, <c>oom_reaper</c>) is one event. V8's fatal output is split into GC
/// entries on the <c>[pid:isolate]</c> prefix, since the ring buffer runs entries together without line breaks.
/// Lines that match no known shape are counted in <see cref="Skipped"/> and otherwise ignored.
/// </summary>
public sealed partial class OomLogParser(string source, DateTimeOffset? bootTime = null)
{
    private const int GcKeep = 8;

    private readonly List<OomEvent> _events = [];
    private readonly List<string> _gcs = [];
    private readonly List<string> _snapshots = [];
    private int? _gcPid;
    private OomEvent? _pending;
    private Episode _episode = new();
    private OomEvent? _lastV8;
    private int _lastV8Line;
    private bool _lastV8FromXprofiler;
    private OomEvent? _lastPm2;
    private int _lineNumber;
    private LogContent _content;

    public int Lines { get; private set; }
    public int Recognized { get; private set; }
    public int Skipped { get; private set; }

    /// <summary>What the kernel said about the current OOM episode before naming its victim.</summary>
    private sealed class Episode
    {
        public string? TriggeredBy;
        public int? TriggerAdj;
        public bool MemcgTask;
        public string? TaskInMemcg;
        public long? LimitBytes;
        public long? UsageBytes;
    }

    public static OomParseResult ParseText(string source, string text, DateTimeOffset? bootTime = null)
    {
        var parser = new OomLogParser(source, bootTime);
        foreach (var line in text.AsSpan().EnumerateLines()) parser.Feed(line.ToString());
        return parser.Finish();
    }

    public void Feed(string line)
    {
        _lineNumber++;
        if (string.IsNullOrWhiteSpace(line)) return;
        Lines++;
        var (body, time, uptime) = LogPrefix.Strip(line.TrimEnd('\r'));
        time ??= uptime is { } up && bootTime is { } boot ? boot.AddSeconds(up) : null;
        bool known = Kernel(body, time, uptime) || Node(body, time) || Pm2(body, time);
        if (known) Recognized++; else Skipped++;
    }

    public OomParseResult Finish()
    {
        FlushPending();
        return new OomParseResult(source, [.. _events], Lines, Recognized, Skipped, _content, [.. _snapshots]);
    }

    // ---- kernel ----

    [GeneratedRegex(@"^(?<comm>.+?) invoked oom-killer: gfp_mask=\S+, (?:nodemask=\S+, )?order=-?\d+, (?:oom_adj=-?\d+, )?oom_score_adj=(?<adj>-?\d+)")]
    private static partial Regex Invoked();

    [GeneratedRegex(@"^oom-kill:constraint=(?<constraint>[A-Z_]+),(?<rest>.*),task=(?<task>.*),pid=(?<pid>\d+),uid=(?<uid>\d+)\s*$")]
    private static partial Regex OomKillSummary();

    [GeneratedRegex(@"(?:^|,)(?<key>oom_memcg|task_memcg)=(?<value>[^,]*)")]
    private static partial Regex MemcgField();

    [GeneratedRegex(@"^(?<scope>Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): Kill process (?<pid>\d+) \((?<comm>.*)\) score (?<score>\d+) or sacrifice child\s*$")]
    private static partial Regex Selected();

    [GeneratedRegex(@"^(?:(?<scope>Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): )?Killed process (?<pid>\d+) \((?<comm>.*)\),? (?:UID (?<uid1>\d+), )?total-vm:(?<vm>\d+)kB, anon-rss:(?<anon>\d+)kB, file-rss:(?<file>\d+)kB(?:, shmem-rss:(?<shmem>\d+)kB)?(?:, UID:(?<uid2>\d+))?(?: pgtables:\d+kB)?(?: oom_score_adj:(?<adj>-?\d+))?")]
    private static partial Regex Killed();

    [GeneratedRegex(@"^oom_reaper: reaped process (?<pid>\d+) \((?<comm>.*)\), now anon-rss:\d+kB")]
    private static partial Regex Reaped();

    [GeneratedRegex(@"^Task in (?<memcg>\S+) killed as a result of limit of (?<limit>\S+)")]
    private static partial Regex TaskIn();

    [GeneratedRegex(@"^memory: usage (?<usage>\d+)kB, limit (?<limit>\d+)kB, failcnt \d+")]
    private static partial Regex MemcgUsage();

    [GeneratedRegex(@"^\[\s*pid\s*\]\s+uid\s+tgid\s+total_vm\s+rss")]
    private static partial Regex TaskDumpHeader();

    [GeneratedRegex(@"^\[\s*\d+\]\s+\d+\s+\d+\s+\d+\s+\d+")]
    private static partial Regex TaskDumpRow();

    private bool Kernel(string body, DateTimeOffset? time, double? uptime)
    {
        Match m;
        if ((m = Invoked().Match(body)).Success)
        {
            FlushPending();
            _episode = new Episode { TriggeredBy = m.Groups["comm"].Value, TriggerAdj = Int(m.Groups["adj"]) };
        }
        else if ((m = OomKillSummary().Match(body)).Success)
        {
            FlushPending();
            var e = NewKernelEvent(time, uptime);
            e.Constraint = m.Groups["constraint"].Value;
            e.Pid = Int(m.Groups["pid"]);
            e.Name = m.Groups["task"].Value;
            e.Uid = Int(m.Groups["uid"]);
            foreach (Match f in MemcgField().Matches(m.Groups["rest"].Value))
            {
                if (f.Groups["key"].Value == "oom_memcg") e.OomMemcg = f.Groups["value"].Value;
                else e.TaskMemcg = f.Groups["value"].Value;
            }
            if (e.Constraint == "CONSTRAINT_MEMCG") _episode.MemcgTask = true;
            _pending = e;
        }
        else if ((m = Selected().Match(body)).Success)
        {
            if (m.Groups["scope"].Value.StartsWith("Memory cgroup", StringComparison.Ordinal)) _episode.MemcgTask = true;
            if (_pending is null)
            {
                var e = NewKernelEvent(time, uptime);
                e.Pid = Int(m.Groups["pid"]);
                e.Name = m.Groups["comm"].Value;
                _pending = e;
            }
        }
        else if ((m = Killed().Match(body)).Success)
        {
            if (m.Groups["scope"].Value.StartsWith("Memory cgroup", StringComparison.Ordinal)) _episode.MemcgTask = true;
            var e = _pending ?? NewKernelEvent(time, uptime);
            _pending = null;
            e.Pid = Int(m.Groups["pid"]); // the victim: may be a child of the task the selection line named
            e.Name = m.Groups["comm"].Value;
            e.Time = time ?? e.Time;
            e.UptimeSeconds = uptime ?? e.UptimeSeconds;
            e.TotalVmBytes = Kib(m.Groups["vm"]);
            e.AnonRssBytes = Kib(m.Groups["anon"]);
            e.FileRssBytes = Kib(m.Groups["file"]);
            e.ShmemRssBytes = Kib(m.Groups["shmem"]);
            e.Uid = Int(m.Groups["uid1"]) ?? Int(m.Groups["uid2"]) ?? e.Uid;
            e.OomScoreAdj = Int(m.Groups["adj"]) ?? e.OomScoreAdj;
            Emit(e);
        }
        else if ((m = Reaped().Match(body)).Success)
        {
            // Follows the kill it belongs to: not a new event.
        }
        else if ((m = TaskIn().Match(body)).Success)
        {
            _episode.MemcgTask = true;
            _episode.TaskInMemcg = m.Groups["memcg"].Value;
        }
        else if ((m = MemcgUsage().Match(body)).Success)
        {
            _episode.UsageBytes = Kib(m.Groups["usage"]);
            _episode.LimitBytes = Kib(m.Groups["limit"]);
        }
        else if (!TaskDumpHeader().IsMatch(body) && !TaskDumpRow().IsMatch(body))
        {
            return false;
        }
        _content |= LogContent.Kernel;
        return true;
    }

    private OomEvent NewKernelEvent(DateTimeOffset? time, double? uptime) =>
        new(OomEventKind.KernelOomKill, source, _lineNumber) { Time = time, UptimeSeconds = uptime };

    private void FlushPending()
    {
        if (_pending is null) return;
        var e = _pending;
        _pending = null;
        Emit(e);
    }

    private void Emit(OomEvent e)
    {
        if (e.Kind is OomEventKind.KernelOomKill)
        {
            var kind = _episode.MemcgTask ? OomEventKind.CgroupOomKill : OomEventKind.KernelOomKill;
            e = e with { Kind = kind };
            e.TriggeredBy ??= _episode.TriggeredBy;
            e.OomScoreAdj ??= e.Name == _episode.TriggeredBy ? _episode.TriggerAdj : null;
            e.TaskMemcg ??= _episode.TaskInMemcg;
            e.MemcgLimitBytes ??= _episode.LimitBytes;
            e.MemcgUsageBytes ??= _episode.UsageBytes;
            // Each kill comes with its own header lines; what this one said must not leak into the next.
            _episode = new Episode();
        }
        _events.Add(e);
    }

    // ---- node stderr ----

    [GeneratedRegex(@"\[(?<pid>\d+):(?:0x)?[0-9a-fA-F]+\]\s+\d+ ms: ")]
    private static partial Regex GcPrefix();

    [GeneratedRegex(@"^\s*\d+ ms: (?:Mark-sweep|Mark-Compact|Mark-compact|Scavenge|Minor)")]
    private static partial Regex GcWithoutPrefix();

    [GeneratedRegex(@"FATAL ERROR: (?<reason>.*?)\s*Allocation failed - JavaScript heap out of memory")]
    private static partial Regex Fatal();

    [GeneratedRegex(@"^xprofiler: (?<location>.*?)\s*Allocation failed - JavaScript heap out of memory")]
    private static partial Regex XprofilerOom();

    [GeneratedRegex(@"^Wrote snapshot to (?<path>.+?)\s*$")]
    private static partial Regex WroteSnapshot();

    [GeneratedRegex(@"^(?:<--- (?:Last few GCs|JS stacktrace) --->|Debugger listening on ws://|For help, see: https://nodejs\.org/|Debugger attached\.|Debugger ending on ws://|Starting inspector on \S+ failed: )")]
    private static partial Regex NodeChatter();

    [GeneratedRegex(@"(?:growth: -?\d+, )?reason: 'heap growth over \d+ consecutive GCs")]
    private static partial Regex Memwatch();

    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} [\d:.]+\] \[\w+\] \[\w+\] \[\d+\]")]
    private static partial Regex XprofilerLog();

    private bool Node(string body, DateTimeOffset? time)
    {
        Match m;
        var gcs = GcPrefix().Matches(body);
        if (gcs.Count > 0)
        {
            for (int i = 0; i < gcs.Count; i++)
            {
                int end = i + 1 < gcs.Count ? gcs[i + 1].Index : body.Length;
                AddGc(body[gcs[i].Index..end].Trim(), Int(gcs[i].Groups["pid"]));
            }
            // A fatal message can follow the GC entries on the same line when the ring buffer was cut short.
            if (Fatal().Match(body) is { Success: true } f) V8Oom(f.Groups["reason"].Value, time);
        }
        else if (GcWithoutPrefix().IsMatch(body))
        {
            AddGc(body.Trim(), null);
        }
        else if ((m = Fatal().Match(body)).Success)
        {
            V8Oom(m.Groups["reason"].Value, time);
        }
        else if ((m = XprofilerOom().Match(body)).Success)
        {
            V8Oom("xprofiler: " + m.Groups["location"].Value, time);
        }
        else if ((m = WroteSnapshot().Match(body)).Success)
        {
            _snapshots.Add(m.Groups["path"].Value);
        }
        else if (!NodeChatter().IsMatch(body) && !Memwatch().IsMatch(body) && !XprofilerLog().IsMatch(body))
        {
            return false;
        }
        _content |= LogContent.NodeStderr;
        return true;
    }

    private void AddGc(string entry, int? pid)
    {
        _gcs.Add(entry);
        if (_gcs.Count > GcKeep) _gcs.RemoveAt(0);
        if (pid is not null) _gcPid = pid;
    }

    private void V8Oom(string reason, DateTimeOffset? time)
    {
        // xprofiler's hook and V8's own message can both report one death: the pair within a few lines merges.
        bool xprofiler = reason.StartsWith("xprofiler: ", StringComparison.Ordinal);
        if (_lastV8 is not null && _lineNumber - _lastV8Line <= 5 && xprofiler != _lastV8FromXprofiler)
        {
            _lastV8FromXprofiler = false;
            _lastV8.Reason = reason.Trim();
            return;
        }
        var e = new OomEvent(OomEventKind.V8HeapOom, source, _lineNumber) { Pid = _gcPid, Time = time, Reason = reason.Trim() };
        e.LastGcs.AddRange(_gcs);
        e.Snapshots.AddRange(_snapshots);
        _gcs.Clear();
        _snapshots.Clear();
        _gcPid = null;
        _events.Add(e);
        _lastV8 = e;
        _lastV8Line = _lineNumber;
        _lastV8FromXprofiler = xprofiler;
    }

    // ---- pm2 ----

    [GeneratedRegex(@"PM2 log: \[PM2\]\[WORKER\] Process (?<id>\d+) restarted because it exceeds --max-memory-restart value \(current_memory=(?<cur>\d+) max_memory_limit=(?<max>\d+) \[octets\]\)")]
    private static partial Regex Pm2Restart();

    [GeneratedRegex(@"PM2 log: App \[(?<name>.+):(?:_old_)?(?<id>\d+)\] exited with code \[(?<code>-?\d+)\] via signal \[(?<signal>\w+)\]")]
    private static partial Regex Pm2Exited();

    private bool Pm2(string body, DateTimeOffset? time)
    {
        Match m;
        if ((m = Pm2Restart().Match(body)).Success)
        {
            var e = new OomEvent(OomEventKind.Pm2MemoryRestart, source, _lineNumber)
            {
                Time = time,
                Pm2Id = Int(m.Groups["id"]),
                CurrentMemoryBytes = long.Parse(m.Groups["cur"].Value, CultureInfo.InvariantCulture),
                MaxMemoryBytes = long.Parse(m.Groups["max"].Value, CultureInfo.InvariantCulture),
                Reason = "exceeded max_memory_restart",
            };
            _events.Add(e);
            _lastPm2 = e;
        }
        else if ((m = Pm2Exited().Match(body)).Success)
        {
            // pm2 names the app on the exit line that follows a restart.
            if (_lastPm2 is { Name: null } e && e.Pm2Id == Int(m.Groups["id"])) e.Name = m.Groups["name"].Value;
        }
        else if (!body.Contains("PM2 log: ", StringComparison.Ordinal))
        {
            return false;
        }
        _content |= LogContent.Pm2;
        return true;
    }

    private static int? Int(Group g) => g.Success && int.TryParse(g.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static long? Kib(Group g) => g.Success && long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v * 1024 : null;
}
