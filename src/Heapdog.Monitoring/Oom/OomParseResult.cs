namespace Heapdog.Monitoring.Oom;

/// <summary>The events found in one source and the line counts: <see cref="Lines"/> non-blank lines read, of which
/// <see cref="Recognized"/> matched a known shape and <see cref="Skipped"/> (malformed or unrelated) did not.
/// <see cref="UnattachedSnapshots"/> are "Wrote snapshot to" paths not followed by a heap OOM in the same source.</summary>
public sealed record OomParseResult(string Source, IReadOnlyList<OomEvent> Events, int Lines, int Recognized, int Skipped, LogContent Content, IReadOnlyList<string> UnattachedSnapshots);
