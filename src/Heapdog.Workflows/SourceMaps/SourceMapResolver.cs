using System.Text;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Sources;

namespace Heapdog.Workflows.SourceMaps;

/// <summary>
/// Maps locations in generated scripts (TypeScript output, bundles) back to their sources through each script's
/// <c>//# sourceMappingURL=</c> comment: an inline <c>data:…;base64,</c> map or a file beside the script. One
/// resolver serves one command: each script is read and its map parsed once. It also hands out the scripts' text
/// (<see cref="Source"/>), read through the same file system, for finding the statements behind a location.
/// <para>
/// Never throws for a bad script or map: a script that cannot be read or names no map is simply not mapped (most
/// scripts are plain JavaScript, and a snapshot may be read far from the machine it came from); a map that is named
/// but missing, malformed or too large gives a one-line note instead.
/// </para>
/// </summary>
public sealed class SourceMapResolver
{
    private const string Directive = "sourceMappingURL=";
    private readonly string _root;
    private readonly Dictionary<string, (SourceMap? Map, string? Note)> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ScriptText? Text, string? Note)> _scripts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <param name="root">The file system the script paths belong to: "/" here, <c>/proc/PID/root</c> for a live
    /// process (so a containerised process's own files are read, not the host's).</param>
    public SourceMapResolver(string root = "/") => _root = root;

    /// <summary>Reads the scripts of <paramref name="pid"/> through its <c>/proc/PID/root</c>; with no local pid (an
    /// inspector reached by port), or no /proc, the host's files.</summary>
    public static SourceMapResolver ForProcess(int? pid)
    {
        if (pid is int p && Directory.Exists($"/proc/{p}/root")) return new SourceMapResolver($"/proc/{p}/root");
        return new SourceMapResolver();
    }

    /// <summary>The original of a 1-based (<paramref name="line"/>, <paramref name="column"/>) in
    /// <paramref name="script"/> (a path or <c>file://</c> URL as V8 names it): the original (1-based, like its input),
    /// or a note saying why a named map could not be used, or neither.</summary>
    public SourceMapped Map(string script, int line, int column)
    {
        if (line < 1) return SourceMapped.None;
        var (map, note) = Load(script);
        if (map is null) return note is null ? SourceMapped.None : new SourceMapped(null, note);
        // Sampling sites with no column are 0; they take the line's first mapping.
        var found = map.Find(line - 1, Math.Max(column - 1, 0));
        if (found is not { } o) return new SourceMapped(null, $"source map has no mapping for {script}:{line}:{column}");
        return new SourceMapped(new OriginalLocation(o.Source, o.Line + 1, o.Column + 1, string.IsNullOrEmpty(o.Name) ? null : o.Name), null);
    }

    /// <summary>The text of <paramref name="script"/> (a path or <c>file://</c> URL as V8 names it), read through this
    /// resolver's file system; null for <c>node:</c> modules, VM scripts, remote URLs and scripts that cannot be read
    /// (absent, unreadable, not a regular file, over <see cref="SourceMapLimits.MaxScriptBytes"/>).</summary>
    public ScriptText? Source(string script) => ReadScript(script).Text;

    private (ScriptText? Text, string? Note) ReadScript(string script)
    {
        lock (_lock)
        {
            if (_scripts.TryGetValue(script, out var cached)) return cached;
            (ScriptText?, string?) entry;
            try
            {
                entry = LocalPath(script) is { } path
                    ? (new ScriptText(Encoding.UTF8.GetString(ReadCapped(OnRoot(path), SourceMapLimits.MaxScriptBytes, "script " + path))), null)
                    : (null, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { entry = (null, null); }
            catch (SourceMapException e) { entry = (null, e.Message); } // a script too large, or a FIFO
            _scripts[script] = entry;
            return entry;
        }
    }

    private (SourceMap? Map, string? Note) Load(string script)
    {
        lock (_lock)
        {
            if (_cache.TryGetValue(script, out var cached)) return cached;
            var entry = Read(script);
            _cache[script] = entry;
            return entry;
        }
    }

    private (SourceMap?, string?) Read(string script)
    {
        var (source, scriptNote) = ReadScript(script);
        if (source is null) return (null, scriptNote);
        string directory = Path.GetDirectoryName(LocalPath(script)!) ?? "/";
        string? url = MappingUrl(source.Text);
        if (url is null) return (null, null);
        try
        {
            byte[] json;
            string mapDirectory = directory;
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) json = DataUrl(url);
            else
            {
                if (!url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && url.Contains("://", StringComparison.Ordinal))
                    throw new SourceMapException($"source map {url} is remote and was not fetched");
                string mapPath = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
                    ? LocalPath(url) ?? throw new SourceMapException($"source map URL {url} is not a file")
                    : Path.GetFullPath(Uri.UnescapeDataString(url.Split('?', '#')[0]), directory);
                mapDirectory = Path.GetDirectoryName(mapPath) ?? "/";
                json = ReadCapped(OnRoot(mapPath), SourceMapLimits.MaxMapBytes, "source map " + mapPath);
            }
            // A map's relative sources are relative to the map itself; resolved, they are paths a developer can open.
            var map = SourceMap.Parse(json, s => s.Length == 0 || s.Contains("://", StringComparison.Ordinal) || s.StartsWith('/') ? s : Path.GetFullPath(s, mapDirectory));
            return (map, null);
        }
        catch (SourceMapException e) { return (null, e.Message); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return (null, $"source map of {script} could not be read: {e.Message}");
        }
    }

    /// <summary>A script name as a path of the target's file system; null for <c>node:</c> modules, VM scripts and
    /// remote URLs.</summary>
    private static string? LocalPath(string script)
    {
        if (script.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            return Uri.TryCreate(script, UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : null;
        return script.StartsWith('/') ? script : null;
    }

    private string OnRoot(string path) => _root == "/" ? path : _root + path;

    /// <summary>The URL of the last <c>//# sourceMappingURL=</c> (or the old <c>//@</c>) comment of the script.</summary>
    private static string? MappingUrl(string text)
    {
        for (int at = text.LastIndexOf(Directive, StringComparison.Ordinal); at >= 4; at = text.LastIndexOf(Directive, at - 1, StringComparison.Ordinal))
        {
            // Only a comment on a line of its own, "//# " or "//@ ", counts, not the words inside a string or other code.
            if (text[at - 1] != ' ' || text[at - 2] is not ('#' or '@') || text[at - 3] != '/' || text[at - 4] != '/') continue;
            int lineStart = text.LastIndexOf('\n', at - 4) + 1;
            if (!text.AsSpan(lineStart, at - 4 - lineStart).IsWhiteSpace()) continue;
            int end = at + Directive.Length;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            string url = text[(at + Directive.Length)..end];
            return url.Length > 0 ? url : null;
        }
        return null;
    }

    private static byte[] DataUrl(string url)
    {
        int comma = url.IndexOf(',');
        if (comma < 0) throw new SourceMapException("inline source map has no ',' in its data: URL");
        string header = url[5..comma];
        string body = url[(comma + 1)..];
        if ((long)body.Length * 3 / 4 > SourceMapLimits.MaxMapBytes)
            throw new SourceMapException($"inline source map is over the {SourceMapLimits.MaxMapBytes:N0}-byte limit");
        if (header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            try { return Convert.FromBase64String(body); }
            catch (FormatException) { throw new SourceMapException("inline source map is not valid base64"); }
        }
        return Encoding.UTF8.GetBytes(Uri.UnescapeDataString(body));
    }

    /// <summary>A regular file's bytes, refusing FIFOs and devices (opening a FIFO blocks) and anything over
    /// <paramref name="cap"/>.</summary>
    private static byte[] ReadCapped(string path, long cap, string what)
    {
        if (SpecialFile.Describe(path) is { } kind) throw new SourceMapException($"{what} is {kind}, not a file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > cap) throw new SourceMapException($"{what} is {stream.Length:N0} bytes, over the {cap:N0}-byte limit");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
