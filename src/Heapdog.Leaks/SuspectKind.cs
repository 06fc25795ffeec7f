namespace Heapdog.Leaks;

/// <summary>The shape of a growth (docs/leaks.md lists how each is recognised).</summary>
public enum SuspectKind
{
    /// <summary>An <c>EventEmitter</c>'s <c>_events.&lt;event&gt;</c> listener array that keeps growing.</summary>
    Listeners,
    /// <summary>An array of ids (strings or numbers) that only grows.</summary>
    IdArray,
    /// <summary>An Array, Map, Set or object used as a dictionary whose entry count grows and which loses no entries.</summary>
    Collection,
    /// <summary>A queue-like collection that keeps gaining and losing entries while it grows: the consumer falls behind.</summary>
    Backlog,
    /// <summary>Sockets, TCP/TLS/pipe handles or timers that accumulate.</summary>
    Handles,
    /// <summary>A chain of closure contexts where each keeps the previous one.</summary>
    ClosureChain,
    /// <summary>One object whose retained size grows.</summary>
    Object,
    /// <summary>A class whose instance count grows, held in many places.</summary>
    Class,
}
