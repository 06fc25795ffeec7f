using Heapdog.Monitoring.Oom;

namespace Heapdog.Monitoring.Tests;

/// <summary>
/// Every kill line the kernel has written since 3.x, behind every prefix the kernel and the loggers put before it
/// (<c>dmesg</c> with <c>-r</c>, <c>-x</c>, <c>-T</c>, <c>--time-format iso</c>; syslog, rsyslog's ISO form, the wire's
/// priority; journald's short, short-precise, short-iso and short-monotonic): each combination names the killed pid.
/// </summary>
public sealed class OomPrefixMatrixTests
{
    private const int Pid = 4321;

    /// <summary>A prefix and what it says of the time: a wall clock, a time since boot, or nothing.</summary>
    public sealed record Prefix(string Name, string Text, bool HasTime, bool HasUptime);

    public sealed record Variant(string Name, string Body, bool Cgroup);

    private static readonly Prefix[] Prefixes =
    [
        new("bare (dmesg -t)", "", false, false),
        new("dmesg", "[ 8990.110988] ", false, true),
        new("dmesg -r", "<3>[ 8990.110988] ", false, true),
        new("dmesg -r, warning level", "<4>[ 8990.110988] ", false, true),
        new("dmesg -x", "kern  :err   : [ 8990.110988] ", false, true),
        new("dmesg -T", "[Mon Aug 12 03:54:03 2025] ", true, false),
        new("dmesg -xT", "kern  :err   : [Mon Aug 12 03:54:03 2025] ", true, false),
        new("dmesg --time-format iso", "2025-08-12T03:54:03,123456+00:00 ", true, false),
        new("dmesg -x --time-format iso", "kern  :err   : 2025-08-12T03:54:03,123456+00:00 ", true, false),
        new("syslog", "Sep 27 11:33:05 web-1 kernel: ", true, false),
        new("syslog with uptime", "Sep 27 11:33:05 web-1 kernel: [ 8990.110988] ", true, true),
        new("syslog on the wire", "<3>Sep 27 11:33:05 web-1 kernel: [ 8990.110988] ", true, true),
        new("journalctl short-precise", "Sep 27 11:33:05.123456 web-1 kernel: ", true, false),
        new("rsyslog ISO", "2025-08-30T06:58:55.050705+00:00 web-1 kernel: [ 8990.110988] ", true, true),
        new("journalctl short-iso", "2025-08-30T06:58:55+0000 web-1 kernel: ", true, false),
        new("journalctl short-monotonic", "[ 8990.110988] web-1 kernel: ", false, true),
    ];

    private static readonly Variant[] Variants =
    [
        new("5.x+ kill", $"Out of memory: Killed process {Pid} (node) total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:2048kB oom_score_adj:0", false),
        new("5.x+ cgroup kill", $"Memory cgroup out of memory: Killed process {Pid} (node) total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:2048kB oom_score_adj:0", true),
        new("allocating-task kill", $"Out of memory (oom_kill_allocating_task): Killed process {Pid} (node) total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:2048kB oom_score_adj:0", false),
        new("4.19 kill with UID first", $"Killed process {Pid} (node), UID 1000, total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB, shmem-rss:0kB", false),
        new("4.x kill", $"Killed process {Pid} (node) total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB, shmem-rss:0kB", false),
        new("3.x kill", $"Killed process {Pid} (node) total-vm:1048576kB, anon-rss:524288kB, file-rss:1024kB", false),
        new("pre-5.0 selection", $"Out of memory: Kill process {Pid} (node) score 912 or sacrifice child", false),
        new("pre-5.0 cgroup selection", $"Memory cgroup out of memory: Kill process {Pid} (node) score 912 or sacrifice child", true),
        new("5.x+ summary", $"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/pod1,task_memcg=/kubepods/pod1/abc,task=node,pid={Pid},uid=1000", true),
    ];

    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (var prefix in Prefixes)
            foreach (var variant in Variants) data.Add(prefix.Name, variant.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Parse_KillLine_BehindEveryPrefix_NamesTheKilledPid(string prefixName, string variantName)
    {
        var prefix = Prefixes.Single(p => p.Name == prefixName);
        var variant = Variants.Single(v => v.Name == variantName);
        var result = OomLogParser.ParseText("kern.log", prefix.Text + variant.Body + "\n");

        var kill = result.Events.ShouldHaveSingleItem();
        kill.Pid.ShouldBe(Pid);
        kill.Name.ShouldBe("node");
        kill.Kind.ShouldBe(variant.Cgroup ? OomEventKind.CgroupOomKill : OomEventKind.KernelOomKill);
        (kill.Time is not null).ShouldBe(prefix.HasTime, "the wall-clock time");
        (kill.UptimeSeconds is not null).ShouldBe(prefix.HasUptime, "the time since boot");
        if (prefix.HasUptime) kill.UptimeSeconds.ShouldBe(8990.110988);
        result.Skipped.ShouldBe(0);
    }

    [Fact]
    public void Parse_DmesgIsoTime_KeepsItsFractionAndZone()
    {
        var kill = OomLogParser.ParseText("dmesg", "2025-08-12T03:54:03,123456+02:00 " + Variants[0].Body).Events.ShouldHaveSingleItem();
        kill.Time.ShouldBe(new DateTimeOffset(2025, 8, 12, 3, 54, 3, TimeSpan.FromHours(2)).AddTicks(1_234_560));
    }
}
