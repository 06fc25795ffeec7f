using System.Text;
using System.Text.Json;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// Heapdog's numbers against Chrome DevTools' own heap snapshot worker (tests/reference/devtools-numbers.mjs) on
/// snapshots Node wrote: every class row, the statistics, and every object's shallow size, retained size, distance,
/// dominator and class name. Any difference is a bug or a documented choice (docs/numbers.md).
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class DevToolsParityTests(SnapshotFixtures fixtures)
{
    public static TheoryData<string> Programs => new() { "features.js", "small.js" };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Analyze_RealSnapshot_MatchesDevToolsSummaryStatisticsAndObjects(string program)
    {
        string path = fixtures.Get(program);
        var reference = DevToolsNumbers.Load(path);
        var analysis = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(path));
        var problems = new List<string>();

        var st = analysis.Statistics;
        var expected = reference.Statistics;
        void Stat(string name, long ours, long theirs) { if (ours != theirs) problems.Add($"statistics.{name}: heapdog {ours}, devtools {theirs}"); }
        Stat("total", st.Total, expected.Total);
        Stat("v8heap", st.V8Heap, expected.V8heap);
        Stat("native", st.Native, expected.Native);
        Stat("code", st.Code, expected.Code);
        Stat("strings", st.Strings, expected.Strings);
        Stat("jsArrays", st.JsArrays, expected.JsArrays);
        Stat("typedArrays", st.TypedArrays, expected.TypedArrays);
        Stat("system", st.System, expected.System);

        var ours = analysis.Classes.Where(c => c.Count > 0).ToDictionary(c => c.Key);
        foreach (var row in MergeDetached(reference.Summary))
        {
            if (!ours.Remove(row.ClassKey, out var c)) { problems.Add($"class {row.ClassKey} missing (devtools count {row.Count})"); continue; }
            if (c.Name != row.ClassName) problems.Add($"class {row.ClassKey}: name '{c.Name}' vs '{row.ClassName}'");
            if (c.Count != row.Count) problems.Add($"class {row.ClassKey}: count {c.Count} vs {row.Count}");
            if (c.ShallowSize != row.ShallowSize) problems.Add($"class {row.ClassKey}: shallow {c.ShallowSize} vs {row.ShallowSize}");
            if (c.RetainedSize != row.RetainedSize) problems.Add($"class {row.ClassKey}: retained {c.RetainedSize} vs {row.RetainedSize}");
            if (c.Distance != row.Distance) problems.Add($"class {row.ClassKey}: distance {c.Distance} vs {row.Distance}");
        }
        foreach (var extra in ours.Keys) problems.Add($"class {extra} not in devtools");

        var s = analysis.Snapshot;
        reference.Objects.Length.ShouldBe(s.NodeCount);
        foreach (var o in reference.Objects)
        {
            int v = o.Ordinal;
            string at = $"@{o.Id} (ordinal {v})";
            if (s.NodeIds[v] != o.Id) { problems.Add($"{at}: id {s.NodeIds[v]}"); continue; }
            if (analysis.ShallowSize(v) != o.ShallowSize) problems.Add($"{at}: shallow {analysis.ShallowSize(v)} vs {o.ShallowSize}");
            if (analysis.RetainedSizes[v] != o.RetainedSize) problems.Add($"{at}: retained {analysis.RetainedSizes[v]} vs {o.RetainedSize}");
            if (analysis.Distances[v] != o.Distance) problems.Add($"{at}: distance {analysis.Distances[v]} vs {o.Distance}");
            if (s.NodeIds[analysis.Dominators[v]] != o.DominatorId) problems.Add($"{at}: dominator @{s.NodeIds[analysis.Dominators[v]]} vs @{o.DominatorId}");
            if (analysis.ClassOfNode(v).Name != StripDetached(o.ClassName)) problems.Add($"{at}: class '{analysis.ClassOfNode(v).Name}' vs '{o.ClassName}'");
        }

        if (problems.Count > 0)
        {
            var message = new StringBuilder($"{problems.Count} differences from DevTools on {program}:\n");
            foreach (var p in problems.Take(40)) message.AppendLine(p);
            Assert.Fail(message.ToString());
        }
    }

    // DevTools prefixes "Detached " to native nodes V8 marks detached, a browser (DOM) notion that misleads for
    // Node's own natives; Heapdog keeps the plain name (docs/numbers.md). Compare with DevTools' rows merged back.
    private static string StripDetached(string name) => name.StartsWith("Detached ", StringComparison.Ordinal) ? name["Detached ".Length..] : name;

    private static IEnumerable<DevToolsClass> MergeDetached(IEnumerable<DevToolsClass> rows) =>
        rows.GroupBy(r => StripDetached(r.ClassKey[(r.ClassKey.IndexOf(',') + 1)..]) is var name ? r.ClassKey[..(r.ClassKey.IndexOf(',') + 1)] + name : r.ClassKey)
            .Select(g => g.Count() == 1 && !g.First().ClassName.StartsWith("Detached ", StringComparison.Ordinal)
                ? g.First()
                : new DevToolsClass(g.Key, StripDetached(g.First().ClassName), g.Sum(r => r.Count), g.Sum(r => r.ShallowSize), g.Sum(r => r.RetainedSize), g.Min(r => r.Distance)));
}

/// <summary>The JSON printed by tests/reference/devtools-numbers.mjs.</summary>
public sealed record DevToolsNumbers(int NodeCount, DevToolsStatistics Statistics, DevToolsClass[] Summary, DevToolsObject[] Objects)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static DevToolsNumbers Load(string snapshotPath, bool objects = true)
    {
        var args = new List<string> { snapshotPath };
        if (!objects) args.Add("--no-objects");
        string json = NodeProgram.Run(RepoPaths.Reference("devtools-numbers.mjs"), args, TimeSpan.FromMinutes(5));
        return JsonSerializer.Deserialize<DevToolsNumbers>(json, Options) ?? throw new InvalidOperationException("empty reference output");
    }
}

public sealed record DevToolsStatistics(long Total, long V8heap, long Native, long Code, long Strings, long JsArrays, long TypedArrays, long System);

public sealed record DevToolsClass(string ClassKey, string ClassName, long Count, long ShallowSize, long RetainedSize, int Distance);

public sealed record DevToolsObject(uint Id, int Ordinal, string ClassName, long ShallowSize, long RetainedSize, int Distance, uint DominatorId);
