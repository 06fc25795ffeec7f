using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// The memory figures of the cgroup a process lives in (v2 unified, or the v1 memory controller on hybrid hosts).
/// <see cref="LimitBytes"/> is the tightest limit of the group and its ancestors, null when unlimited.
/// <see cref="OomKills"/> counts processes the OOM killer took from this group (v2 <c>memory.events</c> oom_kill,
/// v1 <c>memory.oom_control</c> oom_kill); -1 when the kernel does not say.
/// </summary>
public sealed record CgroupMemory(int Version, string Path, long UsageBytes, long? LimitBytes, long PeakBytes, long OomKills, long OomEvents)
{
    /// <summary>cgroup v1 prints this (PAGE_COUNTER_MAX rounded to pages) for "no limit".</summary>
    public const long V1Unlimited = 9223372036854771712;

    /// <summary>Reads the memory cgroup of <paramref name="pid"/>; null when the process is gone or no memory controller is mounted.</summary>
    public static CgroupMemory? ForPid(int pid)
    {
        var cgroup = ProcessReader.TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup");
        var mounts = ProcessReader.TryReadText("/proc/self/mountinfo");
        if (cgroup is null || mounts is null) return null;
        var dir = ResolveDirectory(ParseCgroupFile(cgroup), ParseMountInfo(mounts), out int version);
        return dir is null ? null : ReadDirectory(dir, version);
    }

    /// <summary>Reads the figures from a cgroup directory of the given version; null when its usage file is missing.</summary>
    public static CgroupMemory? ReadDirectory(string dir, int version)
    {
        string F(string name) => System.IO.Path.Combine(dir, name);
        if (version == 2)
        {
            if (ProcessReader.TryReadText(F("memory.current")) is not { } current || ParseBytes(current) is not { } usage) return null;
            var events = ParseKeyValues(ProcessReader.TryReadText(F("memory.events")) ?? "");
            return new CgroupMemory(2, dir, usage, TightestLimit(dir, "memory.max"),
                ProcessReader.TryReadText(F("memory.peak")) is { } peak ? ParseBytes(peak) ?? -1 : -1,
                events.GetValueOrDefault("oom_kill", -1), events.GetValueOrDefault("oom", -1));
        }
        if (ProcessReader.TryReadText(F("memory.usage_in_bytes")) is not { } v1usage || ParseBytes(v1usage) is not { } used) return null;
        var control = ParseKeyValues(ProcessReader.TryReadText(F("memory.oom_control")) ?? "");
        return new CgroupMemory(1, dir, used, TightestLimit(dir, "memory.limit_in_bytes"),
            ProcessReader.TryReadText(F("memory.max_usage_in_bytes")) is { } max ? ParseBytes(max) ?? -1 : -1,
            control.GetValueOrDefault("oom_kill", -1), control.GetValueOrDefault("under_oom", -1));
    }

    /// <summary>A limit file's value: null for "max" or the v1 "unlimited" number; null also when malformed.</summary>
    public static long? ParseLimit(string text)
    {
        var t = text.AsSpan().Trim();
        if (t.SequenceEqual("max")) return null;
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v < V1Unlimited ? v : null;
    }

    /// <summary>A plain byte count file (memory.current, usage_in_bytes, memory.peak); null when malformed.</summary>
    public static long? ParseBytes(string text) =>
        long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>"key value" lines (memory.events, memory.oom_control, memory.stat); malformed lines are skipped.</summary>
    public static Dictionary<string, long> ParseKeyValues(string text)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            int space = line.IndexOf(' ');
            if (space <= 0) continue;
            if (long.TryParse(line[(space + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                result[line[..space].ToString()] = v;
        }
        return result;
    }

    /// <summary>One line of <c>/proc/PID/cgroup</c>: <c>hierarchy-id:controllers:path</c>.</summary>
    public readonly record struct CgroupEntry(int HierarchyId, string[] Controllers, string Path);

    public static IReadOnlyList<CgroupEntry> ParseCgroupFile(string text)
    {
        var entries = new List<CgroupEntry>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            int first = line.IndexOf(':');
            if (first <= 0) continue;
            int second = line[(first + 1)..].IndexOf(':');
            if (second < 0) continue;
            second += first + 1;
            if (!int.TryParse(line[..first], NumberStyles.None, CultureInfo.InvariantCulture, out int id)) continue;
            var controllers = line[(first + 1)..second].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            var path = line[(second + 1)..].ToString();
            if (!path.StartsWith('/')) continue;
            entries.Add(new CgroupEntry(id, controllers, path));
        }
        return entries;
    }

    /// <summary>A cgroup filesystem mount from <c>/proc/self/mountinfo</c>: its root inside the hierarchy, where it is
    /// mounted, its version, and (v1) its controllers.</summary>
    public readonly record struct CgroupMount(string Root, string MountPoint, int Version, string[] Controllers);

    public static IReadOnlyList<CgroupMount> ParseMountInfo(string text)
    {
        var mounts = new List<CgroupMount>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var fields = line.ToString().Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (dash < 6 || fields.Length < dash + 4) continue;
            string fsType = fields[dash + 1];
            if (fsType == "cgroup2")
                mounts.Add(new CgroupMount(Unescape(fields[3]), Unescape(fields[4]), 2, []));
            else if (fsType == "cgroup")
                mounts.Add(new CgroupMount(Unescape(fields[3]), Unescape(fields[4]), 1, fields[dash + 3].Split(',')));
        }
        return mounts;
    }

    /// <summary>The directory holding the process's memory files. The v1 memory controller wins on hybrid hosts
    /// (there the v2 hierarchy has no memory controller); null when neither is mounted.</summary>
    public static string? ResolveDirectory(IReadOnlyList<CgroupEntry> entries, IReadOnlyList<CgroupMount> mounts, out int version)
    {
        foreach (var e in entries)
        {
            if (Array.IndexOf(e.Controllers, "memory") < 0) continue;
            foreach (var m in mounts)
            {
                if (m.Version == 1 && Array.IndexOf(m.Controllers, "memory") >= 0)
                {
                    version = 1;
                    return Join(m, e.Path);
                }
            }
        }
        foreach (var e in entries)
        {
            if (e.HierarchyId != 0 || e.Controllers.Length != 0) continue;
            foreach (var m in mounts)
            {
                if (m.Version != 2) continue;
                var dir = Join(m, e.Path);
                // The root group has no memory.current; only a non-root group reports usage.
                if (File.Exists(System.IO.Path.Combine(dir, "memory.current")))
                {
                    version = 2;
                    return dir;
                }
            }
        }
        version = 0;
        return null;
    }

    /// <summary>Maps a cgroup path to a directory: when the mount's root is a sub-hierarchy (a container without its own
    /// cgroup namespace), the path starts with that root and is taken relative to it.</summary>
    internal static string Join(CgroupMount mount, string cgroupPath)
    {
        string relative = cgroupPath;
        if (mount.Root != "/" && (cgroupPath == mount.Root || cgroupPath.StartsWith(mount.Root + "/", StringComparison.Ordinal)))
            relative = cgroupPath[mount.Root.Length..];
        return System.IO.Path.Join(mount.MountPoint, relative.TrimStart('/')).TrimEnd('/') is { Length: > 0 } p ? p : "/";
    }

    private static long? TightestLimit(string dir, string file)
    {
        long? tightest = null;
        // Walk up while the file exists: the hierarchy's top has none (v2) or reads unlimited (v1).
        for (var d = dir; d is not null; d = System.IO.Path.GetDirectoryName(d))
        {
            if (ProcessReader.TryReadText(System.IO.Path.Combine(d, file)) is not { } text) break;
            if (ParseLimit(text) is { } limit && (tightest is null || limit < tightest)) tightest = limit;
        }
        return tightest;
    }

    private static string Unescape(string field) => field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
