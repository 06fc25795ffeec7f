namespace Heapdog.Leaks.Tests;

/// <summary>
/// Real Node processes that leak the ways the write-ups describe: each leak must be the top suspect, with the right
/// kind, accumulation point and code location; the healthy controls must give no medium or high suspect.
/// </summary>
[Collection(LeakProgramsCollection.Name)]
public sealed class LeakDetectorTests(LeakPrograms programs)
{
    private Suspect Top(string program)
    {
        var report = programs.Report(program);
        report.Suspects.ShouldNotBeEmpty($"no suspect for {program}");
        return report.Suspects[0];
    }

    private static void ShouldPointAtLeakSite(Suspect suspect, string program)
    {
        suspect.Location.ShouldNotBeNull($"{program}: no location");
        suspect.Location!.Script.ShouldEndWith($"{program}.js");
        suspect.Location.Line.ShouldBe(LeakPrograms.LeakSiteLine(program), $"{program}: {suspect.Location}");
    }

    [Fact]
    public void Detect_ListenerAddedPerRequest_NamesTheErrorListenersOfTheQueue()
    {
        var s = Top("listeners");
        s.Kind.ShouldBe(SuspectKind.Listeners);
        s.Severity.ShouldBe(Severity.High);
        s.AccumulationPoint!.ClassName.ShouldBe("Array");
        s.PropertyPath.ShouldMatch(@"^JobQueue@\d+\._events\.error$");
        s.Counts.ShouldBe([1400, 2800, 4200]);
        s.Explanation.ShouldContain("`error` listeners on `JobQueue@");
        s.Explanation.ShouldContain("1,400 → 2,800 → 4,200");
        ShouldPointAtLeakSite(s, "listeners");
    }

    [Fact]
    public void Detect_ProducerOnlyIdArray_NamesSentEvents()
    {
        var s = Top("sent-events");
        s.Kind.ShouldBe(SuspectKind.IdArray);
        s.Severity.ShouldBe(Severity.High);
        s.PropertyPath.ShouldMatch(@"^StreamClient@\d+\.sentEvents$");
        s.Counts.ShouldBe([3000, 6000, 9000]);
        ShouldPointAtLeakSite(s, "sent-events");
    }

    [Fact]
    public void Detect_SocketsEndedButNeverDestroyed_NamesTheHandlesAndTheConnectionClass()
    {
        var s = Top("sockets");
        s.Kind.ShouldBe(SuspectKind.Handles);
        s.Severity.ShouldBe(Severity.High);
        s.Title.ShouldStartWith("TCP ");
        // 60 connections per round, each with a client and a server socket.
        (s.Counts![2] - s.Counts[0]).ShouldBe(240);
        s.Classes.Select(c => c.ClassName).ShouldContain("TCP");
        ShouldPointAtLeakSite(s, "sockets");
    }

    [Fact]
    public void Detect_SessionsMapHoldingEndedSockets_OwnerLeadsAndHoldsTheSocketsAndTimers()
    {
        var report = programs.Report("sessions");
        var s = report.Suspects[0];
        s.Kind.ShouldBe(SuspectKind.Collection);
        s.Severity.ShouldBe(Severity.High);
        s.AccumulationPoint!.ClassName.ShouldBe("Map");
        s.PropertyPath.ShouldBe("sessions");
        s.Title.ShouldBe("sessions (Map, module variable in leaks/sessions.js)");
        s.Counts.ShouldBe([60, 120, 180]);
        ShouldPointAtLeakSite(s, "sessions");
        // Two rounds of 60 sessions since the first snapshot, each with its socket, TCP handle and idle timer.
        var holds = s.Holds.ToDictionary(h => h.ClassName, h => h.Count);
        holds["Socket"].ShouldBe(120);
        holds["Timeout"].ShouldBe(120);
        holds["TCP"].ShouldBe(120);
        s.Explanation.ShouldContain("120 `Socket`");
        s.RetainerPath[^1].Edge.ShouldBe("sessions");
        s.RetainerPath[^1].EdgeType.ShouldBe("context");
        // The handles and timers are what the Map holds, not suspects listed above it.
        report.Suspects.Skip(1).Where(x => x.Severity >= Severity.Medium).Select(x => x.Title)
            .ShouldAllBe(t => !t.StartsWith("Timeout") && !t.StartsWith("Socket") && !t.StartsWith("TCP"));
    }

    [Fact]
    public void Detect_ClosureChain_NamesTheChainAndTheVariableThatLinksIt()
    {
        var s = Top("closure-chain");
        s.Kind.ShouldBe(SuspectKind.ClosureChain);
        s.Severity.ShouldBe(Severity.High);
        // The chain hangs from a module variable: the path starts at it, not at the context that holds it.
        s.PropertyPath.ShouldBe("current");
        s.Explanation.ShouldContain("through `previous`");
        s.Explanation.ShouldMatch(@"\d,\d{3} links deep");
        s.Bytes[2].ShouldBeGreaterThan(s.Bytes[1]);
        s.Bytes[1].ShouldBeGreaterThan(s.Bytes[0]);
        ShouldPointAtLeakSite(s, "closure-chain");
    }

    [Fact]
    public void Detect_UnboundedMapCache_NamesTheMapAndItsEntryClass()
    {
        var s = Top("map-cache");
        s.Kind.ShouldBe(SuspectKind.Collection);
        s.Severity.ShouldBe(Severity.High);
        s.AccumulationPoint!.ClassName.ShouldBe("Map");
        s.PropertyPath.ShouldMatch(@"^ProfileStore@\d+\.cache$");
        s.Counts.ShouldBe([2000, 4000, 6000]);
        s.Classes.Select(c => c.ClassName).ShouldContain("UserProfile");
        ShouldPointAtLeakSite(s, "map-cache");
    }

    [Fact]
    public void Detect_QueueWhoseConsumerLags_IsABacklogNotALeak()
    {
        var s = Top("backlog");
        s.Kind.ShouldBe(SuspectKind.Backlog);
        s.Severity.ShouldBe(Severity.Medium);
        s.PropertyPath.ShouldMatch(@"^WorkQueue@\d+\.pending$");
        s.Counts.ShouldBe([200, 400, 600]);
        s.Removed!.Skip(1).ShouldAllBe(r => r > 0);
        s.Explanation.ShouldContain("backlog, not a leak");
        ShouldPointAtLeakSite(s, "backlog");
    }

    [Theory]
    [InlineData("lru-control")]
    [InlineData("churn-control")]
    public void Detect_HealthyProcess_HasNoMediumOrHighSuspect(string program)
    {
        var report = programs.Report(program);
        report.Suspects.Where(s => s.Severity >= Severity.Medium).Select(s => $"{s.Severity} {s.Kind} {s.Title}").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("listeners")]
    [InlineData("closure-chain")]
    [InlineData("map-cache")]
    public void Detect_Leak_RetainerPathStartsAtTheRootAndEndsAtTheAccumulationPoint(string program)
    {
        var s = Top(program);
        s.RetainerPath[0].Edge.ShouldBeNull();
        s.RetainerPath[0].Object.Type.ShouldBe("synthetic");
        s.RetainerPath[^1].Object.Id.ShouldBe(s.AccumulationPoint!.Id);
        s.RetainerPath.Skip(1).ShouldAllBe(link => link.EdgeType != "weak");
    }
}
