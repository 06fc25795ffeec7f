namespace Heapdog.Processes.Tests;

public class Pm2ClientTests
{
    [Fact]
    public void Parse_JlistWithNoticeBefore_ReadsAppsAndSkipsNamelessEntry()
    {
        var apps = Pm2Client.Parse(TestFiles.Read("pm2-jlist.json"))!;
        apps.Count.ShouldBe(2);
        var api = apps[0];
        api.Name.ShouldBe("api");
        api.Pid.ShouldBe(4242);
        api.Status.ShouldBe("online");
        api.MemoryBytes.ShouldBe(123456789);
        api.CpuPercent.ShouldBe(1.5);
        api.Restarts.ShouldBe(3);
        api.MaxMemoryRestartBytes.ShouldBe(314572800);
        api.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1763750000000));
        var worker = apps[1];
        worker.Pid.ShouldBe(0);
        worker.ExitCode.ShouldBe(137);
        worker.UnstableRestarts.ShouldBe(2);
        worker.MaxMemoryRestartBytes.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("[PM2] Spawning PM2 daemon")]
    [InlineData("[{\"name\":\"api\"")]
    [InlineData("{\"name\":\"api\"}")]
    public void Parse_Malformed_ReturnsNull(string text) => Pm2Client.Parse(text).ShouldBeNull();

    [Fact]
    public void Parse_EmptyList_ReturnsEmpty() => Pm2Client.Parse("[]")!.ShouldBeEmpty();

    [Fact]
    public async Task ListAsync_Pm2NotOnPath_ReturnsNull()
    {
        // Only meaningful where pm2 is absent, which is how this machine is set up; with pm2 present the call must list.
        var apps = await Pm2Client.ListAsync();
        if (Pm2Client.IsInstalled()) apps.ShouldNotBeNull();
        else apps.ShouldBeNull();
    }
}
