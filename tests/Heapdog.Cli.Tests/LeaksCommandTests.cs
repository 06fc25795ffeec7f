using System.Text.Json;
using System.Text.RegularExpressions;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog leaks</c> and <c>heapdog diff</c> run in-process on the leak programs' snapshots.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class LeaksCommandTests(SnapshotFixtures fixtures)
{
    private string[] Snapshots(string program) => fixtures.Written(LeakFixtures.Program(program));

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliHost.RunAsync(args, output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Leaks_Json_SuspectsMostSevereFirstWithTheDocumentedFields()
    {
        var (exit, stdout, stderr) = Run(["leaks", .. Snapshots("listeners"), "--json"]);
        exit.ShouldBe(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("matching").GetString().ShouldBe("ids");
        var suspects = doc.RootElement.GetProperty("suspects").EnumerateArray().ToList();
        suspects.ShouldNotBeEmpty();
        var top = suspects[0];
        top.GetProperty("severity").GetString().ShouldBe("high");
        top.GetProperty("kind").GetString().ShouldBe("listeners");
        top.GetProperty("explanation").GetString()!.ShouldContain("`error` listeners on `JobQueue@");
        top.GetProperty("location").GetProperty("line").GetInt32().ShouldBe(LeakFixtures.LeakSiteLine("listeners"));
        top.GetProperty("location").GetProperty("script").GetString()!.ShouldEndWith("listeners.js");
        var path = top.GetProperty("retainerPath").EnumerateArray().ToList();
        path[^1].GetProperty("object").GetProperty("id").GetUInt32().ShouldBe(top.GetProperty("accumulationPoint").GetProperty("id").GetUInt32());
        top.GetProperty("growth").GetProperty("counts").EnumerateArray().Select(e => e.GetInt64()).ShouldBe([1400L, 2800L, 4200L]);
        var order = suspects.Select(s => s.GetProperty("severity").GetString() switch { "high" => 2, "medium" => 1, _ => 0 }).ToList();
        order.ShouldBe(order.OrderByDescending(x => x).ToList());
    }

    [Fact]
    public void Leaks_Verbose_EachSnapshotsPhasesTimedInItsOwnLane()
    {
        var snapshots = Snapshots("listeners");
        var (exit, _, stderr) = Run(["leaks", .. snapshots, "--json", "--verbose"]);

        exit.ShouldBe(0, stderr);
        // Two snapshots are worked on at once: each phase is logged once when it starts and once, timed, when it ends,
        // named by its file, never cut short by the other file's phases.
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var started = lines.Where(l => l.EndsWith("...", StringComparison.Ordinal)).Select(l => l[..^3]).ToList();
        var ended = lines.Where(l => Regex.IsMatch(l, @": \d+ ms$")).Select(l => l[..l.LastIndexOf(": ", StringComparison.Ordinal)]).ToList();
        started.ShouldBeUnique();
        ended.OrderBy(l => l, StringComparer.Ordinal).ShouldBe(started.OrderBy(l => l, StringComparer.Ordinal));
        foreach (string file in snapshots.Select(Path.GetFileName)!)
        {
            started.ShouldContain($"Reading {file}");
            // "Building retainers" or, on two cores, "Building retainers and shallow sizes".
            started.ShouldContain(l => l.StartsWith($"{file}: Building retainers", StringComparison.Ordinal));
            started.ShouldContain(l => l.StartsWith($"{file}: Building dominator tree", StringComparison.Ordinal));
            started.ShouldContain($"Summarising {file}");
        }
        started[^1].ShouldBe("Finding leak suspects");
    }

    [Fact]
    public void Leaks_Html_WritesOneSelfContainedFileAndNeverOverwritesWithoutForce()
    {
        string html = Path.Combine(Directory.CreateDirectory(fixtures.TempPath("leaks-report")).FullName, "report.html");
        var first = Run(["leaks", .. Snapshots("map-cache"), "--html", html]);
        first.Exit.ShouldBe(0, first.Err);
        string text = File.ReadAllText(html);
        text.ShouldStartWith("<!DOCTYPE html>");
        text.ShouldContain("<svg");
        text.ShouldContain("ProfileStore@");
        text.ShouldNotContain("<script");
        text.ShouldNotContain("<link");
        text.Replace("http://www.w3.org/2000/svg", "").ShouldNotContain("http");

        File.WriteAllText(html, "mine");
        var refused = Run(["leaks", .. Snapshots("map-cache"), "--html", html]);
        refused.Exit.ShouldBe(ExitCodes.Refused);
        refused.Err.ShouldContain("--force");
        File.ReadAllText(html).ShouldBe("mine");

        var forced = Run(["leaks", .. Snapshots("map-cache"), "--html", html, "--force"]);
        forced.Exit.ShouldBe(0, forced.Err);
        File.ReadAllText(html).ShouldStartWith("<!DOCTYPE html>");
        Directory.GetFiles(Path.GetDirectoryName(html)!, "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void Leaks_SnapshotsOfTwoProcesses_RefusedWithNotComparable()
    {
        var (exit, _, stderr) = Run("leaks", Snapshots("listeners")[0], Snapshots("map-cache")[1]);
        exit.ShouldBe(ExitCodes.NotComparable);
        stderr.ShouldContain("cannot be compared");
        stderr.ShouldContain("two different programs");
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().ShouldStartWith("heapdog: ");
    }

    [Fact]
    public void Diff_SnapshotsInReverseOrder_RefusedWithNotComparable()
    {
        var s = Snapshots("sent-events");
        var (exit, _, stderr) = Run("diff", s[2], s[0]);
        exit.ShouldBe(ExitCodes.NotComparable);
        stderr.ShouldContain("wrong order");
    }

    [Fact]
    public void Diff_Json_ListsTheGrowingClassWithItsRetainedDelta()
    {
        var s = Snapshots("map-cache");
        var (exit, stdout, stderr) = Run("diff", s[0], s[2], "--json", "--top", "0");
        exit.ShouldBe(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("matching").GetString().ShouldBe("ids");
        var profile = doc.RootElement.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("className").GetString() == "UserProfile");
        profile.GetProperty("newCount").GetInt64().ShouldBe(4000);
        profile.GetProperty("deletedCount").GetInt64().ShouldBe(0);
        profile.GetProperty("countDelta").GetInt64().ShouldBe(4000);
        profile.GetProperty("sizeDelta").GetInt64().ShouldBe(profile.GetProperty("allocSize").GetInt64());
        profile.GetProperty("retainedSizeDelta").GetInt64().ShouldBeGreaterThan(profile.GetProperty("sizeDelta").GetInt64());
        profile.GetProperty("classKey").GetString()!.ShouldEndWith(",UserProfile");
    }
}
