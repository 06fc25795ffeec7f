namespace Heapdog.Processes.Tests;

public class CgroupMemoryTests
{
    [Fact]
    public void ResolveDirectory_CapturedHybridHost_UsesV1MemoryController()
    {
        var entries = CgroupMemory.ParseCgroupFile(TestFiles.Read("proc-node/cgroup"));
        var mounts = CgroupMemory.ParseMountInfo(TestFiles.Read("mountinfo"));
        entries.Count.ShouldBe(10);
        mounts.ShouldContain(m => m.Version == 2 && m.MountPoint == "/sys/fs/cgroup/unified");
        var dir = CgroupMemory.ResolveDirectory(entries, mounts, out int version);
        version.ShouldBe(1);
        dir.ShouldBe("/sys/fs/cgroup/memory/process_api/c655a95d783275de857787c126460f19");
    }

    [Fact]
    public void Join_MountRootIsSubHierarchy_StripsIt()
    {
        var mount = new CgroupMemory.CgroupMount("/docker/abc", "/sys/fs/cgroup/memory", 1, ["memory"]);
        CgroupMemory.Join(mount, "/docker/abc").ShouldBe("/sys/fs/cgroup/memory");
        CgroupMemory.Join(mount, "/docker/abc/child").ShouldBe("/sys/fs/cgroup/memory/child");
        CgroupMemory.Join(mount with { Root = "/" }, "/a/b").ShouldBe("/sys/fs/cgroup/memory/a/b");
    }

    [Fact]
    public void ParseCgroupFile_V2Only_HasEmptyControllerList()
    {
        var e = CgroupMemory.ParseCgroupFile(TestFiles.Read("cgroup-v2/cgroup")).ShouldHaveSingleItem();
        e.HierarchyId.ShouldBe(0);
        e.Controllers.ShouldBeEmpty();
        e.Path.ShouldBe("/system.slice/app.service");
    }

    [Theory]
    [InlineData("max\n", null)]
    [InlineData("9223372036854771712\n", null)]
    [InlineData("536870912\n", 536870912L)]
    [InlineData("lots", null)]
    [InlineData("", null)]
    public void ParseLimit_Text_ReadsLimitOrNull(string text, long? expected) => CgroupMemory.ParseLimit(text).ShouldBe(expected);

    [Fact]
    public void ParseLimit_CapturedV1Unlimited_IsNull() => CgroupMemory.ParseLimit(TestFiles.Read("cgroup-v1/memory.limit_in_bytes")).ShouldBeNull();

    [Fact]
    public void ParseKeyValues_CapturedOomControl_ReadsOomKill()
    {
        var kv = CgroupMemory.ParseKeyValues(TestFiles.Read("cgroup-v1/memory.oom_control"));
        kv["oom_kill"].ShouldBe(0);
        kv["under_oom"].ShouldBe(0);
        kv["oom_kill_disable"].ShouldBe(0);
    }

    [Fact]
    public void ParseKeyValues_V2EventsWithMalformedLines_SkipsThem()
    {
        var kv = CgroupMemory.ParseKeyValues(TestFiles.Read("cgroup-v2/memory.events") + "garbage\noom_kill x\n\n");
        kv["oom_kill"].ShouldBe(2);
        kv["max"].ShouldBe(12);
        kv.Count.ShouldBe(6);
    }

    [Fact]
    public void ParseMountInfo_Malformed_SkipsLines() =>
        CgroupMemory.ParseMountInfo("nonsense\n1 2 3\n31 23 0:28 / /x rw - cgroup2\n").ShouldBeEmpty();

    [Fact]
    public void ForPid_Self_ReadsUsageOfItsGroup()
    {
        var cg = CgroupMemory.ForPid(Environment.ProcessId);
        cg.ShouldNotBeNull();
        cg.UsageBytes.ShouldBeGreaterThan(Environment.WorkingSet / 2);
        cg.OomKills.ShouldBeGreaterThanOrEqualTo(0);
        Directory.Exists(cg.Path).ShouldBeTrue();
    }

    [Fact]
    public void ForPid_NoSuchProcess_ReturnsNull() => CgroupMemory.ForPid(int.MaxValue).ShouldBeNull();
}
