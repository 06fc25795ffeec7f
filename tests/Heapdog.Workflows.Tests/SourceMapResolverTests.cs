using System.Text;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Tests;

/// <summary>Finding a script's map through its <c>sourceMappingURL</c> comment, on real files; every broken map gives a
/// note and the generated location, never an exception.</summary>
public sealed class SourceMapResolverTests
{
    private const int Line = SourceMappedService.ConstructorGeneratedLine;

    [Fact]
    public void Map_MapFileBesideTheScript_GivesTheTypeScriptLineResolvedAgainstTheMap()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        var mapped = new SourceMapResolver().Map(service.Script, Line, 5); // "    constructor(" → "  constructor("
        mapped.Note.ShouldBeNull();
        mapped.Original.ShouldBe(new OriginalLocation(service.Source, SourceMappedService.ConstructorSourceLine, 3));
    }

    [Fact]
    public void Map_InlineDataUrl_GivesTheTypeScriptLineResolvedAgainstTheScript()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path, inline: true);
        var mapped = new SourceMapResolver().Map("file://" + service.Script, Line, 7); // ES modules are named by URL
        mapped.Original.ShouldBe(new OriginalLocation(service.Source, SourceMappedService.ConstructorSourceLine, 3));
    }

    [Fact]
    public void Map_ThroughARoot_ReadsTheScriptUnderIt()
    {
        // /proc/PID/root of a container: the script's own path, read under another root.
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(Path.Combine(dir.Path, "app"));
        var mapped = new SourceMapResolver(dir.Path).Map("/app/dist/audit.js", Line, 5);
        mapped.Original.ShouldBe(new OriginalLocation("/app/src/audit.ts", SourceMappedService.ConstructorSourceLine, 3));
    }

    [Fact]
    public void Map_SecondLookup_UsesTheMapParsedOnce()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        var maps = new SourceMapResolver();
        maps.Map(service.Script, Line, 5).Original.ShouldNotBeNull();
        File.Delete(service.Map);
        maps.Map(service.Script, Line - 1, 1).Original!.Line.ShouldBe(SourceMappedService.ConstructorSourceLine - 1); // class AuditEntry
    }

    [Theory]
    [InlineData("plain.js", "const x = 1;\n")]
    [InlineData("string.js", "const s = '//# sourceMappingURL=nothing.map';\n")] // inside a string, not a comment of its own
    public void Map_ScriptWithoutAMap_IsNeitherMappedNorNoted(string name, string code)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File(name), code);
        new SourceMapResolver().Map(dir.File(name), 1, 1).ShouldBe(SourceMapped.None);
    }

    [Theory]
    [InlineData("/no/such/dir/app.js")]
    [InlineData("node:internal/timers")]
    [InlineData("https://example.com/app.js")]
    [InlineData("evalmachine.<anonymous>")]
    public void Map_ScriptThatCannotBeRead_IsNeitherMappedNorNoted(string script) =>
        new SourceMapResolver().Map(script, 1, 1).ShouldBe(SourceMapped.None);

    public static TheoryData<string, string, string> BrokenMaps => new()
    {
        { "absent", "", "could not be read" },
        { "bad JSON", "{\"version\":3,", "not valid JSON" },
        { "bad VLQ", """{"version":3,"sources":["a.ts"],"names":[],"mappings":"AA$A"}""", "not a base64 digit" },
        { "source out of range", """{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA;AEAA"}""", "names source 2" },
        { "name out of range", """{"version":3,"sources":["a.ts"],"names":["x"],"mappings":"AAAAC"}""", "names name 1" },
        { "no mapping at the line", """{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA"}""", "no mapping for" },
    };

    [Theory]
    [MemberData(nameof(BrokenMaps))]
    public void Map_BrokenMapFile_LeavesTheGeneratedLocationWithANote(string what, string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.js"), "x();\ny();\n//# sourceMappingURL=app.js.map\n");
        if (what != "absent") File.WriteAllText(dir.File("app.js.map"), json);
        var mapped = new SourceMapResolver().Map(dir.File("app.js"), 2, 1);
        mapped.Original.ShouldBeNull();
        mapped.Note.ShouldNotBeNull().ShouldContain(expected);
        mapped.Note.ShouldNotContain("\n");
    }

    [Fact]
    public void Map_HugeMap_IsNotReadPastTheLimit()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.js"), "x();\n//# sourceMappingURL=app.js.map\n");
        using (var map = File.Create(dir.File("app.js.map"))) map.SetLength(SourceMapLimits.MaxMapBytes + 1); // sparse: no disk used
        var mapped = new SourceMapResolver().Map(dir.File("app.js"), 1, 1);
        mapped.Original.ShouldBeNull();
        mapped.Note.ShouldNotBeNull().ShouldContain("over the 67,108,864-byte limit");
    }

    [Fact]
    public async Task Map_MapIsAFifo_IsRefusedWithoutOpeningIt()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.js"), "x();\n//# sourceMappingURL=app.js.map\n");
        Fifo.Make(dir.File("app.js.map"));
        var task = Task.Run(() => new SourceMapResolver().Map(dir.File("app.js"), 1, 1));
        var mapped = await task.WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException if reading the FIFO hung
        mapped.Note.ShouldNotBeNull().ShouldContain("FIFO");
    }

    [Fact]
    public async Task Map_ScriptIsAFifo_IsRefusedWithoutOpeningIt()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        Fifo.Make(dir.File("app.js"));
        var mapped = await Task.Run(() => new SourceMapResolver().Map(dir.File("app.js"), 1, 1)).WaitAsync(TimeSpan.FromSeconds(30));
        mapped.Original.ShouldBeNull();
        mapped.Note.ShouldNotBeNull().ShouldContain("FIFO");
    }

    [Theory]
    [InlineData("data:application/json;base64,!!!", "not valid base64")]
    [InlineData("data:application/json;base64", "no ','")]
    [InlineData("https://cdn.example.com/app.js.map", "remote")]
    public void Map_BrokenMapUrl_LeavesANote(string url, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.js"), $"x();\n//# sourceMappingURL={url}\n");
        var mapped = new SourceMapResolver().Map(dir.File("app.js"), 1, 1);
        mapped.Original.ShouldBeNull();
        mapped.Note.ShouldNotBeNull().ShouldContain(expected);
    }

    [Fact]
    public void Map_InlineMapWithBadVlq_LeavesANote()
    {
        using var dir = new TempDirectory();
        string map = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAA"}"""));
        File.WriteAllText(dir.File("app.js"), $"x();\n//# sourceMappingURL=data:application/json;base64,{map}\n");
        new SourceMapResolver().Map(dir.File("app.js"), 1, 1).Note.ShouldNotBeNull().ShouldContain("3 fields");
    }
}
