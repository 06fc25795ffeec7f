using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary><c>hunt</c>, <c>sample</c> and <c>leaks</c> on a real node running compiled TypeScript with a source map:
/// locations name the generated script and, beside it, the TypeScript file and line.</summary>
public sealed class SourceMapCommandTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Hunt_Json_CompiledTypeScriptService_SuspectLocationHasTheTypeScriptOriginal()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        using var target = new NodeProgram(service.Script, ["--serve"], FreeInspectorPort);
        await target.ReadyAsync();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", target.Pid.ToString(), "--snapshots", "3", "--interval", "2s", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var locations = doc.RootElement.GetProperty("suspects").EnumerateArray()
            .Select(s => s.GetProperty("location")).Where(l => l.ValueKind == JsonValueKind.Object).ToList();
        var location = locations.FirstOrDefault(l => l.GetProperty("script").GetString() == service.Script);
        location.ValueKind.ShouldBe(JsonValueKind.Object, run.Stdout);
        location.GetProperty("line").GetInt32().ShouldBe(SourceMappedService.ConstructorGeneratedLine);
        var original = location.GetProperty("original");
        original.GetProperty("script").GetString().ShouldBe(service.Source);
        original.GetProperty("line").GetInt32().ShouldBe(SourceMappedService.ConstructorSourceLine);
        original.GetProperty("column").GetInt32().ShouldBeGreaterThan(0);
        location.TryGetProperty("sourceMapNote", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Sample_Json_CompiledTypeScriptService_SitesHaveTheirTypeScriptLines()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        using var target = new NodeProgram(service.Script, ["--serve"], ["--inspect-port=0", "--no-turbo-inlining"]);
        await target.ReadyAsync();

        var run = await HeapdogCommand.RunAsync(dir.Path, "sample", target.Pid.ToString(), "--duration", "3s", "--json", "-o", "a.heapprofile");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var sites = doc.RootElement.GetProperty("sites").EnumerateArray()
            .Where(s => s.GetProperty("url").GetString()!.EndsWith("audit.js", StringComparison.Ordinal) && s.GetProperty("line").GetInt32() > 0).ToList();
        sites.ShouldNotBeEmpty(run.Stdout);
        foreach (var site in sites)
        {
            int expected = SourceMappedService.SourceLineOf(site.GetProperty("line").GetInt32());
            if (expected == 0) continue; // the driver at the end has no source
            site.GetProperty("original").GetProperty("script").GetString().ShouldBe(service.Source, site.ToString());
            site.GetProperty("original").GetProperty("line").GetInt32().ShouldBe(expected, site.ToString());
        }
        sites.Count(s => s.TryGetProperty("original", out var o)).ShouldBeGreaterThan(0, run.Stdout);
    }

    [Fact]
    public async Task Leaks_TextAndHtml_ShowTheOriginalThenTheGenerated()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        string outDir = Directory.CreateDirectory(dir.File("snapshots")).FullName;
        NodeProgram.Run(service.Script, [outDir], TimeSpan.FromMinutes(2));
        string[] snapshots = [.. Directory.GetFiles(outDir, "*.heapsnapshot").Order(StringComparer.Ordinal)];
        string html = dir.File("report.html");

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliHost.RunAsync(["leaks", .. snapshots, "--html", html], output, error);

        exit.ShouldBe(0, error.ToString());
        string generated = $"{service.Script}:{SourceMappedService.ConstructorGeneratedLine}:";
        string original = $"{service.Source}:{SourceMappedService.ConstructorSourceLine}:";
        var code = output.ToString().Split('\n').Where(l => l.Contains("code:", StringComparison.Ordinal)).ToList();
        code.ShouldContain(l => l.Contains($"code:         {original}", StringComparison.Ordinal) && l.Contains($" ({generated}", StringComparison.Ordinal), output.ToString());
        string page = File.ReadAllText(html);
        page.ShouldContain($"title=\"generated: {generated}");
        page.ShouldContain($">{original}");
    }
}
