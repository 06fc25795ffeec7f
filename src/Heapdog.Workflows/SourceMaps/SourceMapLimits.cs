namespace Heapdog.Workflows.SourceMaps;

/// <summary>
/// Caps on the files a source map lookup reads. Script and map paths come from a heap snapshot or a live process, so
/// they are untrusted: a huge or endless file must cost a note, not the memory of the command.
/// </summary>
public static class SourceMapLimits
{
    /// <summary>A map file, or the JSON decoded from an inline <c>data:</c> URL, larger than this is not read (64 MB).</summary>
    public const long MaxMapBytes = 64L << 20;

    /// <summary>A script larger than this is not searched for its <c>sourceMappingURL</c> comment (96 MB: room for a
    /// 64 MB map inlined as base64).</summary>
    public const long MaxScriptBytes = 96L << 20;

    /// <summary>At most this many mapping segments in one map (a 64 MB map holds fewer than 16 M, as a segment takes at
    /// least 4 bytes); checked while decoding so the arrays stay bounded.</summary>
    public const int MaxSegments = 16 << 20;

    /// <summary>An index map's sections must be plain maps, so sections nest one level at most.</summary>
    public const int MaxSections = 10_000;
}
