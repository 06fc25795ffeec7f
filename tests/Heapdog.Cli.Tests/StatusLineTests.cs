using Heapdog.Cli.Output;

namespace Heapdog.Cli.Tests;

/// <summary>The progress line: a bar with bytes and time left on a terminal, nothing when stderr is redirected.</summary>
public sealed class StatusLineTests
{
    [Fact]
    public void Render_BytesKnown_BarPercentBytesAndTimeLeft()
    {
        string line = StatusLine.Render("Reading a.heapsnapshot", 0.25, 256L << 20, 1L << 30, TimeSpan.FromSeconds(10));

        line.ShouldBe("Reading a.heapsnapshot [#####---------------]  25%  268 MB / 1.07 GB  30s left");
    }

    [Fact]
    public void Render_TooEarlyForAnEstimate_NoTimeLeft()
    {
        StatusLine.Render("Reading", 0.5, 10, 20, TimeSpan.FromMilliseconds(300)).ShouldNotContain("left");
        StatusLine.Render("Reading", 0.01, 1, 100, TimeSpan.FromSeconds(5)).ShouldNotContain("left");
    }

    [Fact]
    public void Render_TotalUnknown_BytesSoFar()
    {
        StatusLine.Render("Reading stdin", -1, 3_000_000, 0, TimeSpan.FromSeconds(2)).ShouldBe("Reading stdin  3.00 MB...");
        StatusLine.Render("attaching to pid 1", -1, -1, 0, TimeSpan.Zero).ShouldBe("attaching to pid 1...");
    }

    [Fact]
    public void ReportBytes_Terminal_RewritesOneLineWithTheBar()
    {
        var error = new StringWriter();
        var line = new StatusLine(error, interactive: true, width: () => 200);

        line.ReportBytes("Reading a", 50, 100);
        line.Clear();

        error.ToString().ShouldStartWith("\rReading a [##########----------]  50%  50 B / 100 B");
        error.ToString().ShouldEndWith("\r");
    }

    [Fact]
    public void ReportBytes_Redirected_PrintsNothing()
    {
        var error = new StringWriter();
        var line = new StatusLine(error, interactive: false);

        line.ReportBytes("Reading a", 50, 100);
        line.Report("Building dominator tree", 0.5);
        line.Clear();

        error.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void Report_RedirectedWithPhaseTimes_OneLinePerPhase()
    {
        var error = new StringWriter();
        var line = new StatusLine(error, interactive: false) { LogPhaseTimes = true };

        line.Report("Reading a", 0.1);
        line.Report("Reading a", 0.9);
        line.Report("Building dominator tree", -1);

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[0].ShouldBe("Reading a...");
        lines[1].ShouldStartWith("Reading a: ");
        lines[2].ShouldBe("Building dominator tree...");
    }

    [Fact]
    public void Report_LaneBesideTheCommand_PhasesTimedApartAndNamed()
    {
        var error = new StringWriter();
        var line = new StatusLine(error, interactive: false) { LogPhaseTimes = true };

        line.Report("Building retainers", -1, lane: "s1.heapsnapshot");
        line.Report("Reading s2.heapsnapshot", 0.5, lane: "s2.heapsnapshot");
        line.Report("Building retainers", -1, lane: "s1.heapsnapshot");
        line.Report("Building dominator tree", -1, lane: "s1.heapsnapshot");
        line.EndLane("s1.heapsnapshot");
        line.Report("Building retainers", -1, lane: "s2.heapsnapshot");

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(7);
        lines[0].ShouldBe("s1.heapsnapshot: Building retainers...");
        lines[1].ShouldBe("Reading s2.heapsnapshot...");
        lines[2].ShouldMatch(@"^s1\.heapsnapshot: Building retainers: \d+ ms$");
        lines[3].ShouldBe("s1.heapsnapshot: Building dominator tree...");
        lines[4].ShouldMatch(@"^s1\.heapsnapshot: Building dominator tree: \d+ ms$");
        lines[5].ShouldMatch(@"^Reading s2\.heapsnapshot: \d+ ms$");
        lines[6].ShouldBe("s2.heapsnapshot: Building retainers...");
    }

    [Fact]
    public void Clear_WithPhaseTimes_LogsEveryOpenPhase()
    {
        var error = new StringWriter();
        var line = new StatusLine(error, interactive: false) { LogPhaseTimes = true };

        line.Report("Calculating statistics", -1);
        line.Report("Reading s3.heapsnapshot", 0.5, lane: "s3.heapsnapshot");
        line.Interrupt();
        line.Report("Calculating statistics", -1);
        line.Clear();

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(4);
        lines[2..].ShouldContain(l => l.StartsWith("Calculating statistics: ", StringComparison.Ordinal));
        lines[2..].ShouldContain(l => l.StartsWith("Reading s3.heapsnapshot: ", StringComparison.Ordinal));
    }
}
