using Heapdog.Monitoring.Import;

namespace Heapdog.Monitoring.Tests;

/// <summary>The memory records users already keep, read into series: every format, every time prefix, and lines that
/// are none of them counted rather than fatal.</summary>
public sealed class MemoryLogParserTests
{
    private static readonly DateTimeOffset FileTime = new(2026, 11, 29, 22, 0, 0, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 11, 29, 22, 0, 0)));
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static ImportedFile Parse(string text, string? only = null) => MemoryLogParser.Parse(text, "app", only, FileTime, Minute);

    private static long Local(int day, int hour, int minute) =>
        new DateTimeOffset(new DateTime(2026, 11, day, hour, minute, 0, DateTimeKind.Local)).ToUnixTimeMilliseconds();

    [Fact]
    public void MemoryUsage_TimeOfDayPrefix_AsTheWriteUpLogsIt_DatedOnTheFilesDay()
    {
        var file = Parse("""
            21:29 - {"rss":279068672,"heapTotal":64028672,"heapUsed":23900184,"external":4878125}
            21:30 - {"rss":436371456,"heapTotal":64552960,"heapUsed":23961712,"external":4878125}
            """);
        file.Formats.ShouldBe([ImportFormat.MemoryUsage]);
        var s = file.Series.ShouldHaveSingleItem();
        s.Name.ShouldBe("app");
        s.Samples.Select(x => x.TimeMs).ShouldBe([Local(29, 21, 29), Local(29, 21, 30)]);
        s.Samples[0].Rss.ShouldBe(279068672);
        s.Samples[0].HeapUsed.ShouldBe(23900184);
        s.Samples[0].External.ShouldBe(4878125);
        s.Samples[0].ArrayBuffers.ShouldBe(-1, "not in the record: not measured");
        s.Samples[0].Native.ShouldBe(279068672 - 64028672);
    }

    [Fact]
    public void MemoryUsage_TimesOfDayPastMidnight_RollToTheNextDay_EndingOnTheFilesDay()
    {
        var file = Parse("""
            23:59 - {"rss":1000000}
            00:01 - {"rss":2000000}
            """);
        file.Series[0].Samples.Select(x => x.TimeMs).ShouldBe([Local(28, 23, 59), Local(29, 0, 1)]);
    }

    [Fact]
    public void MemoryUsage_TimeOfDayAfterTheFilesTime_IsTheDayBefore()
    {
        Parse("""23:10 - {"rss":1000000}""").Series[0].Samples[0].TimeMs.ShouldBe(Local(28, 23, 10));
    }

    [Theory]
    [InlineData("2026-11-20T10:00:00.000Z {\"rss\":1000}")]
    [InlineData("2026-11-20T10:00:00Z: {\"rss\":1000}")]
    [InlineData("2026-11-20T10:00:00+00:00 - {\"rss\":1000}")]
    [InlineData("[2026-11-20T10:00:00Z] {\"rss\":1000}")]
    [InlineData("1795168800000 {\"rss\":1000}")]
    [InlineData("1795168800 {\"rss\":1000}")]
    [InlineData("{\"time\":\"2026-11-20T10:00:00Z\",\"rss\":1000}")]
    [InlineData("{\"timestamp\":1795168800000,\"rss\":1000}")]
    public void MemoryUsage_FullTime_InAPrefixOrAField_IsKept(string line)
    {
        Parse(line).Series[0].Samples[0].TimeMs.ShouldBe(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void MemoryUsage_NoTimeAtAll_SpacedByTheInterval_LastAtTheFilesTime()
    {
        var s = Parse("{\"rss\":1}\n{\"rss\":2}\n{\"rss\":3}\n").Series[0];
        s.Samples.Select(x => x.TimeMs).ShouldBe([(FileTime - 2 * Minute).ToUnixTimeMilliseconds(), (FileTime - Minute).ToUnixTimeMilliseconds(), FileTime.ToUnixTimeMilliseconds()]);
    }

    [Fact]
    public void Garbage_IsCountedAsSkipped_AndTheRecordsAroundItAreRead()
    {
        var file = Parse("starting up\n{\"rss\":1}\n{not json\n{\"user\":\"x\"}\n{\"rss\":2}\n");
        file.Samples.ShouldBe(2);
        file.Skipped.ShouldBe(3);
        file.Lines.ShouldBe(5);
    }

    private const string Jlist = """
        [{"pid":4242,"name":"api","pm_id":0,"monit":{"memory":157286400,"cpu":3.5},
          "pm2_env":{"status":"online","pm_uptime":1795160000000,"axm_monitor":{"Used Heap Size":{"value":"40.00","unit":"MiB"},"Heap Size":{"value":"64.00","unit":"MiB"}}}},
         {"pid":4343,"name":"worker","pm_id":1,"monit":{"memory":104857600,"cpu":0},"pm2_env":{"status":"online","pm_uptime":1795161000000}}]
        """;

    [Fact]
    public void Pm2Jlist_Dump_OneSeriesPerApp_WithPidStartAndPm2sHeapMetrics()
    {
        var file = Parse(Jlist);
        file.Formats.ShouldBe([ImportFormat.Pm2Jlist]);
        file.Series.Count.ShouldBe(2);
        var api = file.Series.Single(s => s.Name == "api");
        api.Pid.ShouldBe(4242);
        api.StartTimeMs.ShouldBe(1795160000000);
        api.Samples[0].Rss.ShouldBe(157286400);
        api.Samples[0].CpuPercent.ShouldBe(3.5);
        api.Samples[0].HeapUsed.ShouldBe(40L * 1024 * 1024);
        api.Samples[0].HeapTotal.ShouldBe(64L * 1024 * 1024);
        api.Samples[0].TimeMs.ShouldBe(FileTime.ToUnixTimeMilliseconds(), "a dump without a time is taken at the file's time");
        file.Series.Single(s => s.Name == "worker").Samples[0].HeapUsed.ShouldBe(-1);
    }

    [Fact]
    public void Pm2Jlist_OneDumpPerLineBehindATime_WithName_ReadsOnlyThatApp()
    {
        string oneLine = Jlist.ReplaceLineEndings("");
        var file = Parse($"2026-11-20T10:00:00Z {oneLine}\n2026-11-20T10:05:00Z {oneLine}\n", only: "worker");
        var s = file.Series.ShouldHaveSingleItem();
        s.Name.ShouldBe("worker");
        s.Samples.Count.ShouldBe(2);
        (s.Samples[1].TimeMs - s.Samples[0].TimeMs).ShouldBe(5 * 60_000);
    }

    [Fact]
    public void Pm2Restart_MaxMemoryLine_IsASampleOfItsMemory()
    {
        var file = Parse("2021-09-30T11:59:08: PM2 log: [PM2][WORKER] Process 2 restarted because it exceeds --max-memory-restart value (current_memory=5274296320 max_memory_limit=5242880000 [octets])\n");
        file.Formats.ShouldBe([ImportFormat.Pm2Restart]);
        file.Series[0].Samples[0].Rss.ShouldBe(5274296320);
    }

    [Fact]
    public void Prometheus_Scrapes_OneSamplePerScrape_FromPromClientsDefaultMetrics()
    {
        var file = Parse("""
            # HELP process_resident_memory_bytes Resident memory size in bytes.
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes 157286400 1795168800000
            nodejs_heap_size_total_bytes 67108864 1795168800000
            nodejs_heap_size_used_bytes 41943040 1795168800000
            nodejs_external_memory_bytes 2097152 1795168800000
            nodejs_heap_space_size_used_bytes{space="old"} 30000000 1795168800000
            process_resident_memory_bytes 1.6e8 1795168860000
            nodejs_heap_size_used_bytes 4.2e7 1795168860000
            """);
        file.Formats.ShouldBe([ImportFormat.Prometheus]);
        file.Skipped.ShouldBe(0);
        var samples = file.Series.ShouldHaveSingleItem().Samples;
        samples.Count.ShouldBe(2);
        samples[0].Rss.ShouldBe(157286400);
        samples[0].HeapTotal.ShouldBe(67108864);
        samples[0].HeapUsed.ShouldBe(41943040);
        samples[0].External.ShouldBe(2097152);
        samples[0].Native.ShouldBe(157286400 - 67108864);
        samples[1].Rss.ShouldBe(160000000);
        samples[1].TimeMs.ShouldBe(1795168860000);
    }
}
