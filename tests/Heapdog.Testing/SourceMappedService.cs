using System.Text;
using System.Text.Json;

namespace Heapdog.Testing;

/// <summary>
/// A small TypeScript service "compiled" at test time: <c>src/audit.ts</c>, the JavaScript a compiler would emit for it
/// (<c>dist/audit.js</c>, types erased, so lines move) and a valid Source Map v3 for it, written by the tiny generator
/// below rather than a compiler, so tests need nothing from the network. Each generated line that comes from the source
/// ends in a <c>// ts:N</c> marker; the generator maps that line's first character to line N's first character.
/// </summary>
/// <remarks>
/// The service leaks <c>AuditEntry</c> objects into a module-level array. <c>node dist/audit.js OUT_DIR</c> writes
/// three snapshots (s1..s3.heapsnapshot) after three rounds; <c>node dist/audit.js --serve</c> leaks on a timer and
/// prints "ready".
/// </remarks>
public sealed class SourceMappedService
{
    public const string TypeScript = """
        // The audit trail of a request router.
        interface AuditFields {
          user: string;
          action: string;
          at: number;
        }

        export class AuditEntry {
          constructor(public fields: AuditFields, public payload: string) {}
        }

        const trail: AuditEntry[] = [];

        export function record(user: string, action: string): void {
          trail.push(new AuditEntry({ user, action, at: Date.now() }, 'payload:' + user + ':' + action));
        }
        """;

    // The constructor is on line 3 here and line 9 in the source; the driver at the end has no source lines.
    private const string JavaScript = """
        "use strict";
        class AuditEntry { // ts:8
            constructor(fields, payload) { // ts:9
                this.fields = fields; // ts:9
                this.payload = payload; // ts:9
            } // ts:9
        } // ts:10
        const trail = []; // ts:12
        function record(user, action) { // ts:14
            trail.push(new AuditEntry({ user, action, at: Date.now() }, 'payload:' + user + ':' + action)); // ts:15
        } // ts:16
        let next = 0;
        function round(n) { for (let i = 0; i < n; i++) record('user' + next++, 'GET /items/' + i); }
        if (process.argv[2] === '--serve') {
            setInterval(() => round(500), 200);
            console.log('ready');
        } else {
            const v8 = require('node:v8'), path = require('node:path');
            for (let r = 1; r <= 3; r++) { round(3000); v8.writeHeapSnapshot(path.join(process.argv[2], `s${r}.heapsnapshot`)); }
        }
        """;

    /// <summary>The 1-based line of <c>AuditEntry</c>'s constructor (the location V8 gives its objects' class) in the
    /// source and in the generated script.</summary>
    public const int ConstructorSourceLine = 9, ConstructorGeneratedLine = 3;

    /// <summary>The 1-based source line of <c>trail.push(…)</c> in <c>record</c>, the statement that stores the leak.</summary>
    public const int TrailPushSourceLine = 15;

    /// <summary>The 1-based source line the generated <paramref name="generatedLine"/> comes from, or 0 when it has
    /// none: what a correct lookup of any column past the line's indentation must give.</summary>
    public static int SourceLineOf(int generatedLine)
    {
        var lines = JavaScript.Split('\n');
        if (generatedLine < 1 || generatedLine > lines.Length) return 0;
        int marker = lines[generatedLine - 1].LastIndexOf("// ts:", StringComparison.Ordinal);
        return marker < 0 ? 0 : int.Parse(lines[generatedLine - 1][(marker + 6)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SourceMappedService(string root, string script, string source, string map)
    {
        Root = root;
        Script = script;
        Source = source;
        Map = map;
    }

    public string Root { get; }

    /// <summary>dist/audit.js: what node runs.</summary>
    public string Script { get; }

    /// <summary>src/audit.ts, as the map names it once resolved against the map's directory.</summary>
    public string Source { get; }

    /// <summary>dist/audit.js.map, or "" when the map is inline.</summary>
    public string Map { get; }

    /// <summary>Writes the service under <paramref name="root"/>: the map beside the script, or inline as a
    /// <c>data:</c> URL.</summary>
    public static SourceMappedService Write(string root, bool inline = false)
    {
        string src = Directory.CreateDirectory(Path.Combine(root, "src")).FullName;
        string dist = Directory.CreateDirectory(Path.Combine(root, "dist")).FullName;
        string source = Path.Combine(src, "audit.ts"), script = Path.Combine(dist, "audit.js");
        File.WriteAllText(source, TypeScript + "\n");
        string map = MapJson(JavaScript, TypeScript, "../src/audit.ts", "audit.js");
        string comment = inline
            ? "data:application/json;charset=utf-8;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(map))
            : "audit.js.map";
        File.WriteAllText(script, JavaScript + "\n//# sourceMappingURL=" + comment + "\n");
        string mapPath = "";
        if (!inline) File.WriteAllText(mapPath = script + ".map", map);
        return new SourceMappedService(root, script, source, mapPath);
    }

    /// <summary>A Source Map v3 mapping each marked generated line's first character to the marked source line's.</summary>
    public static string MapJson(string generated, string original, string sourceName, string file)
    {
        var sourceLines = original.Split('\n');
        var segments = new List<(int GenLine, int GenColumn, int Source, int Line, int Column)>();
        var lines = generated.Split('\n');
        for (int g = 0; g < lines.Length; g++)
        {
            int marker = lines[g].LastIndexOf("// ts:", StringComparison.Ordinal);
            if (marker < 0) continue;
            int line = int.Parse(lines[g][(marker + 6)..].Trim(), System.Globalization.CultureInfo.InvariantCulture) - 1;
            segments.Add((g, Indent(lines[g]), 0, line, Indent(sourceLines[line])));
        }
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = 3,
            ["file"] = file,
            ["sources"] = new[] { sourceName },
            ["names"] = Array.Empty<string>(),
            ["mappings"] = Mappings(segments),
        });
    }

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    /// <summary>The <c>mappings</c> string: <c>;</c> between generated lines, <c>,</c> between segments, each field
    /// a base64 VLQ relative to the previous segment's (the generated column to the previous one on the same line).</summary>
    public static string Mappings(IEnumerable<(int GenLine, int GenColumn, int Source, int Line, int Column)> segments)
    {
        var text = new StringBuilder();
        int line = 0, column = 0, source = 0, originalLine = 0, originalColumn = 0;
        bool first = true;
        foreach (var s in segments.OrderBy(s => s.GenLine).ThenBy(s => s.GenColumn))
        {
            if (s.GenLine > line) { text.Append(';', s.GenLine - line); line = s.GenLine; column = 0; first = true; }
            if (!first) text.Append(',');
            first = false;
            Vlq(text, s.GenColumn - column); Vlq(text, s.Source - source); Vlq(text, s.Line - originalLine); Vlq(text, s.Column - originalColumn);
            (column, source, originalLine, originalColumn) = (s.GenColumn, s.Source, s.Line, s.Column);
        }
        return text.ToString();
    }

    /// <summary>One base64 VLQ: the sign in the lowest bit, then 5 bits a digit, low digits first, 32 = more follow.</summary>
    public static void Vlq(StringBuilder text, int value)
    {
        const string Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long v = value < 0 ? ((-(long)value) << 1) | 1 : (long)value << 1;
        do
        {
            int digit = (int)(v & 31);
            v >>= 5;
            text.Append(Digits[v > 0 ? digit | 32 : digit]);
        } while (v > 0);
    }
}
