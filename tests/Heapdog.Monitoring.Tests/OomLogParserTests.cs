using System.Text.RegularExpressions;
using Heapdog.Monitoring.Oom;

namespace Heapdog.Monitoring.Tests;

public class OomLogParserTests
{
    /// <summary>The vector file's content lines: comment lines dropped, and the file's own trailing notes
    /// ("   # …" after two or more spaces) cut off.</summary>
    private static List<string> AllVectorLines() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "oom-and-runtime-log-vectors.txt"))
            .Where(l => !l.StartsWith('#') && l.Trim().Length > 0)
            .Select(l => Regex.Replace(l, @"\s{2,}# .*$", ""))
            .ToList();

    /// <summary>The three lines of a v1 memory.oom_control file in the vectors are a cgroup file, not a log.</summary>
    private static readonly string[] OomControlLines = ["oom_kill_disable 0", "under_oom 0", "oom_kill 0"];

    private static List<string> VectorLines() => AllVectorLines().Where(l => !OomControlLines.Contains(l)).ToList();

    [Fact]
    public void ParseKeyValues_VectorOomControlLines_ReadTheCounters()
    {
        AllVectorLines().ShouldContain(l => OomControlLines.Contains(l));
        var kv = Heapdog.Processes.CgroupMemory.ParseKeyValues(string.Join('\n', OomControlLines));
        kv["oom_kill"].ShouldBe(0);
        kv["under_oom"].ShouldBe(0);
        kv["oom_kill_disable"].ShouldBe(0);
    }

    private static OomParseResult Parse(params string[] lines) => OomLogParser.ParseText("test", string.Join('\n', lines));

    [Fact]
    public void ParseText_EveryVectorLine_IsRecognized()
    {
        var lines = VectorLines();
        lines.Count.ShouldBe(57);
        foreach (var line in lines)
        {
            var r = Parse(line);
            r.Skipped.ShouldBe(0, $"not recognized: {line}");
            r.Recognized.ShouldBe(1);
        }
    }

    [Fact]
    public void ParseText_WholeVectorFile_FindsEachKillOnceAndNoStrayEvents()
    {
        var r = OomLogParser.ParseText("vectors", string.Join('\n', VectorLines()));
        r.Skipped.ShouldBe(0);
        r.Content.ShouldBe(LogContent.Kernel | LogContent.NodeStderr | LogContent.Pm2);
        var kills = r.Events.Where(e => e.Kind is OomEventKind.KernelOomKill or OomEventKind.CgroupOomKill).Select(e => e.Pid).ToList();
        kills.ShouldBe([6576, 28438, 799153, 23793, 63214, 651, 3902942, 473206, 461754]);
        var cgroup = r.Events.Where(e => e.Kind == OomEventKind.CgroupOomKill).Select(e => e.Pid).ToList();
        cgroup.ShouldBe([28438, 23793, 63214, 3902942, 461754]);
        r.Events.Single(e => e.Pid == 3902942).TriggeredBy.ShouldBeNull(); // its block has no "invoked" line
        r.Events.Count(e => e.Kind == OomEventKind.Pm2MemoryRestart).ShouldBe(1);
        r.Events.Count(e => e.Kind == OomEventKind.V8HeapOom).ShouldBe(5); // four FATAL ERROR shapes and the xprofiler line
    }

    [Fact]
    public void ParseText_Rhel7ThreeLines_IsOneGlobalKill()
    {
        var e = Parse(
            "sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
            "Out of memory: Kill process 6576 (mysqld) score 651 or sacrifice child",
            "Killed process 6576 (mysqld) total-vm:33914892kB, anon-rss:20629004kB, file-rss:0kB, shmem-rss:0kB").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.KernelOomKill);
        e.Pid.ShouldBe(6576);
        e.Name.ShouldBe("mysqld");
        e.TriggeredBy.ShouldBe("sed");
        e.AnonRssBytes.ShouldBe(20629004L * 1024);
        e.TotalVmBytes.ShouldBe(33914892L * 1024);
        e.ShmemRssBytes.ShouldBe(0);
    }

    [Fact]
    public void ParseText_OomAdjVariant_IsRecognizedWithoutEvent()
    {
        var r = Parse("node invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=-17, oom_score_adj=-1000");
        r.Recognized.ShouldBe(1);
        r.Events.ShouldBeEmpty();
    }

    [Fact]
    public void ParseText_Memcg310WithoutShmem_IsOneCgroupKillOfTheVictim()
    {
        var e = Parse(
            "Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child",
            "Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.Pid.ShouldBe(28438);
        e.ShmemRssBytes.ShouldBeNull();
        e.FileRssBytes.ShouldBe(13684L * 1024);
    }

    [Fact]
    public void ParseText_VendorLineWithUidBeforeTotalVm_ReadsUid()
    {
        var e = Parse("Killed process 799153 (node), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.KernelOomKill);
        e.Pid.ShouldBe(799153);
        e.Name.ShouldBe("node");
        e.Uid.ShouldBe(1000);
    }

    [Fact]
    public void ParseText_CgroupV2SummaryKilledAndReaper_IsOneEvent()
    {
        var e = Parse(
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/leaker,task_memcg=/leaker,task=leaker,pid=23793,uid=0",
            "Memory cgroup out of memory: Killed process 23793 (leaker) total-vm:2623712kB, anon-rss:506500kB, file-rss:1268kB, shmem-rss:0kB",
            "oom_reaper: reaped process 23793 (leaker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.Pid.ShouldBe(23793);
        e.Constraint.ShouldBe("CONSTRAINT_MEMCG");
        e.OomMemcg.ShouldBe("/leaker");
        e.TaskMemcg.ShouldBe("/leaker");
        e.AnonRssBytes.ShouldBe(506500L * 1024);
    }

    [Fact]
    public void ParseText_Memcg54_ReadsScoreAdjAndTrigger()
    {
        var e = Parse(
            "uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986",
            "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
            "oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.OomScoreAdj.ShouldBe(986);
        e.Uid.ShouldBe(0);
        e.ShmemRssBytes.ShouldBe(92L * 1024);
        e.TriggeredBy.ShouldBe("uwsgi");
    }

    [Fact]
    public void ParseText_Global513WithTruncatedComm_KeepsTheKernelName()
    {
        var e = Parse(
            "kworker/0:2 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0",
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/unattended-upgrades.service,task=unattended-upgr,pid=651,uid=0",
            "Out of memory: Killed process 651 (unattended-upgr) total-vm:108020kB, anon-rss:8380kB, file-rss:12548kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:0").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.KernelOomKill);
        e.Name.ShouldBe("unattended-upgr");
        e.Constraint.ShouldBe("CONSTRAINT_NONE");
        e.TaskMemcg.ShouldBe("/system.slice/unattended-upgrades.service");
        e.TriggeredBy.ShouldBe("kworker/0:2");
    }

    [Fact]
    public void ParseText_GermanDmesgT_ReadsLocalTime()
    {
        var r = Parse(
            "[Di Aug 12 03:54:03 2025] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-a59e.scope,mems_allowed=0,oom_memcg=/lxc/39004,task_memcg=/lxc/39004/ns/system.slice/docker-a59e.scope,task=php-fpm,pid=3902942,uid=1000",
            "[Di Aug 12 03:54:03 2025] Memory cgroup out of memory: Killed process 3902942 (php-fpm) total-vm:14740176kB, anon-rss:12625252kB, file-rss:0kB, shmem-rss:156088kB, UID:1000 pgtables:26388kB oom_score_adj:0");
        var e = r.Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.Pid.ShouldBe(3902942);
        e.OomMemcg.ShouldBe("/lxc/39004");
        e.Time.ShouldBe(new DateTimeOffset(new DateTime(2025, 8, 12, 3, 54, 3, DateTimeKind.Local)));
    }

    [Fact]
    public void ParseText_JournaldHighResolutionPrefix_SummaryAloneIsAnEvent()
    {
        LogPrefix.DefaultYear = 2025;
        var e = Parse("Aug 30 06:58:55.050705 ... kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-ec9e.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/pod.slice,task_memcg=/kubepods.slice/pod.slice/cri-containerd-ec9e.scope,task=pt_main_thread,pid=461754,uid=0")
            .Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.Pid.ShouldBe(461754);
        e.Name.ShouldBe("pt_main_thread");
        e.Time!.Value.LocalDateTime.ShouldBe(new DateTime(2025, 8, 30, 6, 58, 55, 50).AddTicks(7050));
    }

    [Fact]
    public void ParseText_MessagesFileFromWriteUp000_IsOneKillOfTheSacrificedChild()
    {
        var r = Parse(
            "Sep 27 11:33:05 domain-abc kernel: node invoked oom-killer: gfp_mask=0x200da, order=0, oom_score_adj=0",
            "Sep 27 11:33:05 domain-abc kernel: node cpuset=/ mems_allowed=0",
            "Sep 27 11:33:06 domain-abc kernel: Out of memory: Kill process 12562 (node) score 786 or sacrifice child",
            "Sep 27 11:33:06 domain-abc kernel: Killed process 12573 (node) total-vm:660944kB, anon-rss:76872kB, file-rss:0kB");
        var e = r.Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.KernelOomKill);
        e.Pid.ShouldBe(12573);
        e.Name.ShouldBe("node");
        e.Time!.Value.Second.ShouldBe(6);
        r.Skipped.ShouldBe(1); // the cpuset line carries nothing Heapdog needs
    }

    [Fact]
    public void ParseText_CommWithSpacesAndHash_IsTheTrigger()
    {
        var r = Parse(
            "[ 3690.421554] StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167",
            "[ 3690.431554] Out of memory: Killed process 4242 (Web Content) total-vm:100kB, anon-rss:50kB, file-rss:1kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:167");
        var e = r.Events.ShouldHaveSingleItem();
        e.TriggeredBy.ShouldBe("StreamTrans #72");
        e.Name.ShouldBe("Web Content");
        e.UptimeSeconds.ShouldBe(3690.431554);
        e.Time.ShouldBeNull();
    }

    [Fact]
    public void ParseText_RawDmesgWithBootTime_GivesAbsoluteTime()
    {
        var boot = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var r = OomLogParser.ParseText("dmesg", "[  100.500000] Out of memory: Killed process 7 (node) total-vm:1kB, anon-rss:1kB, file-rss:1kB, shmem-rss:0kB", boot);
        r.Events.ShouldHaveSingleItem().Time.ShouldBe(boot.AddSeconds(100.5));
    }

    [Theory]
    [InlineData("2025-08-30T06:58:55.050705+00:00 web1 kernel: Out of memory: Killed process 7 (node) total-vm:1kB, anon-rss:1kB, file-rss:1kB")]
    [InlineData("2025-08-30T06:58:55+0000 web1 kernel: Out of memory: Killed process 7 (node) total-vm:1kB, anon-rss:1kB, file-rss:1kB")]
    public void ParseText_IsoSyslogPrefix_ReadsUtcTime(string line)
    {
        var e = Parse(line).Events.ShouldHaveSingleItem();
        e.Time!.Value.UtcDateTime.ShouldBe(new DateTime(2025, 8, 30, 6, 58, 55, DateTimeKind.Utc), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ParseText_TaskDumpAndV1MemcgHeader_CarryTheLimitIntoTheKill()
    {
        var r = Parse(
            "Task in /kubepods.slice/.../docker-b272...scope killed as a result of limit of /kubepods.slice/.../docker-b272...scope",
            "memory: usage 1048576kB, limit 1048576kB, failcnt 189",
            "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
            "[  12345]  1000 12345   100000    50000 49000 1000 0 409600 0 0 node",
            "Memory cgroup out of memory: Killed process 12345 (node) total-vm:400000kB, anon-rss:196000kB, file-rss:4000kB, shmem-rss:0kB");
        r.Skipped.ShouldBe(0);
        var e = r.Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.CgroupOomKill);
        e.MemcgLimitBytes.ShouldBe(1048576L * 1024);
        e.TaskMemcg.ShouldBe("/kubepods.slice/.../docker-b272...scope");
    }

    [Fact]
    public void ParseText_NodeFatalWithGcRing_ReadsPidReasonAndGcs()
    {
        var e = Parse(
            "<--- Last few GCs --->",
            "[10556:0x1f7b8ca0]      682 ms: Scavenge (reduce) 63.2 (66.6) -> 63.1 (65.6) MB, 12.77 / 0.00 ms  (average mu = 0.382, current mu = 0.346) allocation failure; ",
            "[10556:0x1f7b8ca0]      779 ms: Mark-Compact (reduce) 73.8 (75.6) -> 73.2 (75.8) MB, 40.47 / 0.00 ms  (+ 8.6 ms in 28 steps since start of marking, biggest step 0.8 ms, walltime since start of marking 124 ms) (average mu = 0.549, current mu = 0.669) task;",
            "<--- JS stacktrace --->",
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory").Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.V8HeapOom);
        e.Pid.ShouldBe(10556);
        e.Reason.ShouldBe("Reached heap limit");
        e.LastGcs.Count.ShouldBe(2);
        e.LastGcs[1].ShouldStartWith("[10556:0x1f7b8ca0]      779 ms: Mark-Compact (reduce)");
    }

    [Theory]
    [InlineData("ti[40:0x4947000]     9063 ms: Mark-sweep (reduce) 255.9 (257.3) -> 255.2 (258.6) MB, 128.3 / 0.0 ms  (+ 0.0 ms in 17 steps since start of marking, biggest step 0.0 ms, walltime since start of marking 134 ms) (average mu = 0.170, current mu = 0.040) allocati[40:0x4947000]     9214 ms: Mark-sweep (reduce) 256.2 (257.6) -> 255.3 (258.8) MB, 142.8 / 0.0 ms  (+ 0.0 ms in 16 steps since start of marking, biggest step 0.0 ms, walltime since start of marking 151 ms) (average mu = 0.114, current mu = 0.056) allocati", 40)]
    [InlineData(" i[10611:0x3bfbce90]    28959 ms: Mark-Compact 129.9 (148.6) -> 129.5 (164.1) MB, 218.71 / 0.00 ms  (+ 1.8 ms in 1 steps since start of marking, biggest step 1.8 ms, walltime since start of marking 221 ms) (average mu = 0.065, current mu = 0.127) finalize i[10611:0x3bfbce90]    29224 ms: Mark-Compact 129.7 (164.1) -> 129.6 (164.1) MB, 229.20 / 0.00 ms  (+ 2.4 ms in 1 steps since start of marking, biggest step 2.4 ms, walltime since start of marking 232 ms) (average mu = 0.076, current mu = 0.125) finalize i", 10611)]
    public void ParseText_GcEntriesRunTogether_SplitsOnPidPrefix(string line, int pid)
    {
        var e = Parse(line, "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory").Events.ShouldHaveSingleItem();
        e.Pid.ShouldBe(pid);
        e.LastGcs.Count.ShouldBe(2);
        e.LastGcs.ShouldAllBe(g => g.StartsWith($"[{pid}:"));
        e.Reason.ShouldBe("Ineffective mark-compacts near heap limit");
    }

    [Fact]
    public void ParseText_Node6GcLinesWithoutPrefix_AreKeptWithUnknownPid()
    {
        var e = Parse(
            "326386181 ms: Mark-sweep 1322.2 (1436.6) -> 1322.2 (1436.6) MB, 1091.8 / 0.5 ms [allocation failure] [GC in old space requested].",
            "326388400 ms: Mark-sweep 1322.2 (1436.6) -> 1331.4 (1420.6) MB, 1138.3 / 1.0 ms [last resort gc].",
            "FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory").Events.ShouldHaveSingleItem();
        e.Pid.ShouldBeNull();
        e.LastGcs.Count.ShouldBe(2);
        e.Reason.ShouldBe("CALL_AND_RETRY_LAST");
    }

    [Fact]
    public void ParseText_SnapshotWrittenNearLimit_IsAttachedToTheDeath()
    {
        var e = Parse(
            "Wrote snapshot to diag/Heap.20261121.190625.10611.0.001.heapsnapshot",
            "[10611:0x3bfbce90]    29224 ms: Mark-Compact 129.7 (164.1) -> 129.6 (164.1) MB, 229.20 / 0.00 ms  finalize",
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory").Events.ShouldHaveSingleItem();
        e.Snapshots.ShouldBe(["diag/Heap.20261121.190625.10611.0.001.heapsnapshot"]);
    }

    [Fact]
    public void ParseText_XprofilerAndFatalForOneDeath_IsOneEvent()
    {
        var r = Parse(
            "xprofiler: <location> Allocation failed - JavaScript heap out of memory",
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory");
        r.Events.ShouldHaveSingleItem().Kind.ShouldBe(OomEventKind.V8HeapOom);
    }

    [Fact]
    public void ParseText_Pm2RestartAndExit_IsOneNamedRestart()
    {
        var r = Parse(
            "2021-09-30T11:59:08: PM2 log: [PM2][WORKER] Process 2 restarted because it exceeds --max-memory-restart value (current_memory=5274296320 max_memory_limit=5242880000 [octets])",
            "2021-09-30T11:59:11: PM2 log: App [service_name:_old_2] exited with code [0] via signal [SIGINT]");
        var e = r.Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(OomEventKind.Pm2MemoryRestart);
        e.Pm2Id.ShouldBe(2);
        e.Name.ShouldBe("service_name");
        e.CurrentMemoryBytes.ShouldBe(5274296320);
        e.MaxMemoryBytes.ShouldBe(5242880000);
        e.Time.ShouldBe(new DateTimeOffset(new DateTime(2021, 9, 30, 11, 59, 8, DateTimeKind.Local)));
        r.Content.ShouldBe(LogContent.Pm2);
    }

    [Theory]
    [InlineData("Killed process abc (node) total-vm:1kB")]
    [InlineData("oom-kill:constraint=")]
    [InlineData("Out of memory: Killed process 7 (node")]
    [InlineData("FATAL ERROR: something else entirely")]
    [InlineData("\u0000\u0001\u00ff garbage")]
    [InlineData("[ 12.5] ")]
    [InlineData("Sep 99 11:33:05 host kernel: hello")]
    public void ParseText_MalformedLine_IsCountedAndSkipped(string line)
    {
        var r = Parse(line, "Killed process 7 (node) total-vm:1kB, anon-rss:1kB, file-rss:1kB");
        r.Skipped.ShouldBe(1);
        r.Events.ShouldHaveSingleItem().Pid.ShouldBe(7);
    }
}
