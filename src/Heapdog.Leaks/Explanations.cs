using System.Globalization;

namespace Heapdog.Leaks;

/// <summary>The one plain sentence per suspect, written for the developer who owns the code. Public so the reports can
/// name a source-mapped location the way the sentence names the generated one (<see cref="Short"/>).</summary>
public static class Explanations
{
    /// <param name="byPaths">Matched by paths: no object is known to be new, nor an entry to be removed.</param>
    public static string For(Suspect s, string? subject, string? eventName, ObjectRef? emitter, string? chainVariable, long chainLinks, bool byPaths = false)
    {
        if (byPaths && s.Kind == SuspectKind.Collection)
            return $"`{s.PropertyPath}` (matched by its path from the GC roots) grew {string.Join(" → ", s.Counts!.Select(Count))} entries ({string.Join(" → ", s.Bytes.Select(Size))} retained)" +
                Entries(s, s.Location is { } pl ? $" in `{Short(pl)}`" : "", "its entries are") + ".";
        // The allocating function, when tracked, is nearer the code that makes the objects than a constructor's or closure's start.
        string at = s.AllocatedAt is [{ UserFrame: { IsUserCode: true } f }, ..] ? $" in `{f.Function}` (`{Short(new CodeLocation(f.Script, f.ScriptId, f.Line, f.Column))}`)"
            : s.Location is { } l ? $" in `{Short(l)}`" : "";
        string counts = s.Counts is { } c ? string.Join(" → ", c.Select(Count)) : "";
        string bytes = string.Join(" → ", s.Bytes.Select(Size));
        string perSnapshot = $"{Count(s.CountGrowthPerSnapshot)} per snapshot";
        return s.Kind switch
        {
            SuspectKind.Listeners =>
                $"`{eventName}` listeners on `{emitter}` grew {counts}; about {perSnapshot} are added{(s.Location is null ? "" : $" by the function{at}")} and never removed.",
            SuspectKind.IdArray =>
                $"`{s.PropertyPath}` grew {counts} entries and never lost one: ids are added (the holder is created{at}) and nothing removes them.",
            SuspectKind.Collection =>
                $"`{s.PropertyPath}` grew {counts} entries ({bytes} retained) and lost none{Entries(s, at)}.",
            SuspectKind.Backlog =>
                $"`{s.PropertyPath}` grew {counts} entries while {string.Join(", ", s.Removed!.Skip(1).Select(Count))} were taken out between snapshots: the consumer falls behind the producer (a backlog, not a leak){Entries(s, at)}.",
            SuspectKind.Handles =>
                $"`{subject ?? s.Classes[0].ClassName}` handles grew {counts} ({bytes}) and none were closed{(s.Location is null ? "" : $"; they belong to objects created{at}")}: sockets that are ended but never destroyed, or timers never cleared, keep their handles.",
            SuspectKind.ClosureChain =>
                $"A chain of closure contexts {Count(chainLinks)} links deep hangs from `{s.PropertyPath}`: each keeps the previous one{(chainVariable is null ? "" : $" through `{chainVariable}`")}, so the closure{at} keeps every earlier one alive ({bytes} retained).",
            SuspectKind.Class =>
                $"`{subject ?? s.Classes[0].ClassName}` instances grew {counts} ({bytes}){(s.PropertyPath.Length > 0 ? $"; one is held by `{s.PropertyPath}`" : "")}{(s.Location is null ? "" : $", created{at}")}.",
            _ => $"`{s.PropertyPath}` retains {bytes} and keeps growing{Entries(s, at)}.",
        };
    }

    /// <summary>What an owner holds, as a sentence to append: "Its new entries hold 120 `Socket`, … and 120 `TCP` (…)".</summary>
    public static string Holds(IReadOnlyList<ClassShare> holds)
    {
        if (holds.Count == 0) return "";
        var parts = holds.Select(h => $"{Count(h.Count)} `{h.ClassName}`").ToList();
        string list = parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];
        return $" What it holds keeps {list} ({Size(holds.Sum(h => h.Bytes))}) alive: runtime objects that go only when it lets go of them.";
    }

    private static string Entries(Suspect s, string at, string what = "the new objects are")
    {
        var main = s.Classes.FirstOrDefault(c => !c.ClassName.StartsWith('(') && !c.ClassName.StartsWith("system", StringComparison.Ordinal)) ?? s.Classes.FirstOrDefault();
        if (main is null) return "";
        return $"; {what} mostly `{main.ClassName}`{(at.Length > 0 ? $", created{at}" : "")}";
    }

    public static string Short(CodeLocation l) => new CodeLocation(ShortScript(l.Script), l.ScriptId, l.Line, l.Column).ToString();

    /// <summary>A script by its folder and file name (<c>lib/audit.js</c>), as a developer finds it in the project.</summary>
    public static string ShortScript(string script)
    {
        if (script.StartsWith("file://", StringComparison.Ordinal)) script = script["file://".Length..];
        int slash = script.LastIndexOf('/');
        if (slash < 0) return script;
        int parent = script.LastIndexOf('/', slash - 1 < 0 ? 0 : slash - 1);
        return script[(parent + 1)..];
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Size(long bytes)
    {
        if (bytes < 1000) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        double value = bytes;
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1) { value /= 1000; unit++; }
        return value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
