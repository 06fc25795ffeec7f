namespace Heapdog.Leaks;

/// <summary>
/// Every number the leak detector decides by, in one place, each with the reason for its value. Growth rates are per
/// snapshot interval (first to last, divided by the number of intervals). docs/leaks.md documents the severity rule
/// these feed (<see cref="SeverityRule"/>); change both together.
/// </summary>
public static class LeakThresholds
{
    // ---- severity (SeverityRule) ----------------------------------------------------------------------------------

    /// <summary>Objects or entries per interval for <b>high</b>: a thousand a snapshot is a leak no cache explains.</summary>
    public const long HighCount = 1_000;

    /// <summary>Objects or entries per interval for <b>medium</b>: a hundred a snapshot, steadily, is worth a look.</summary>
    public const long MediumCount = 100;

    /// <summary>Handles per interval for <b>high</b>: a socket or timer costs a file descriptor or a wake-up, not just bytes.</summary>
    public const long HighHandleCount = 100;

    /// <summary>Handles per interval for <b>medium</b>: ten more open sockets a snapshot soon exhaust descriptors.</summary>
    public const long MediumHandleCount = 10;

    /// <summary>Bytes per interval for <b>high</b>: 1 MB a snapshot reaches the heap limit within hours of traffic.</summary>
    public const long HighBytes = 1_000_000;

    /// <summary>Bytes per interval for <b>medium</b>: 100 kB a snapshot is above what caches warming up add.</summary>
    public const long MediumBytes = 100_000;

    /// <summary>Share of the last heap per interval for <b>high</b>: 5 % a snapshot doubles the heap in 20 snapshots.</summary>
    public const double HighHeapShare = 0.05;

    /// <summary>Share of the last heap per interval for <b>medium</b>: 1 %, the noise floor of a steady service's heap.</summary>
    public const double MediumHeapShare = 0.01;

    /// <summary>Intervals needed for <b>high</b>: one interval is not a trend, so two snapshots give at most medium.</summary>
    public const int HighMinIntervals = 2;

    /// <summary>
    /// For V8's own kinds rated by bytes (strings, arrays): the least growth of any interval, as a share of the average
    /// interval's, for more than <b>low</b>. A snapshot can be taken in the middle of a request (the inspector
    /// interrupts running JavaScript), so one interval can jump by that request's temporaries: +1 kB then +95 kB is
    /// one request caught in flight, not a trend.
    /// </summary>
    public const double SteadyIntervalShare = 0.25;

    // ---- groups ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// New objects an accumulation point must hold to be judged at all (and the entries a collection must gain to be
    /// a point without survivors): fewer are request-scoped state that happened to be alive at the snapshot.
    /// </summary>
    public const int MinGroupObjects = 10;

    /// <summary>Collections with fewer entries are left out of the census: too small to leak, and 20 bytes each to keep.</summary>
    public const int MinCensusEntries = 4;

    /// <summary>
    /// Own properties from which an object counts as a dictionary: classes and object literals rarely have this many
    /// named fields, objects keyed by ids soon do.
    /// </summary>
    public const int DictionaryMinProperties = 32;

    // ---- kinds ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Closure contexts among a group's new objects (and links below its point) for a closure chain: one context per
    /// closure is normal, a hundred chained ones are a function keeping its predecessor alive.
    /// </summary>
    public const int ClosureChainMinContexts = 100;

    /// <summary>Depth, in links below the accumulation point, of the deepest new object for a closure chain.</summary>
    public const int ClosureChainMinLinks = 100;

    /// <summary>Links walked up from the deepest new object to name the chain's variable: enough to see the pattern, bounded on a million-link chain.</summary>
    public const int ChainVariableMaxSteps = 10_000;

    /// <summary>
    /// Handle objects (sockets, timers, wraps) among a group's new objects, in tenths, for a root-held group to be
    /// a handle leak: one in ten is enough, each handle drags several JS objects along.
    /// </summary>
    public const int HandleShareTenths = 1;

    /// <summary>Strings and numbers among an array's new objects, in tenths, for an id array: nearly all of them.</summary>
    public const int IdArrayPrimitiveShareTenths = 9;

    // ---- growing classes ------------------------------------------------------------------------------------------

    /// <summary>
    /// A class whose growth is at least half explained by suspects' new objects is their consequence, not a leak of
    /// its own: reported only when the explained count times this is below its growth.
    /// </summary>
    public const int ExplainedGrowthFactor = 2;

    // ---- naming and locating --------------------------------------------------------------------------------------

    /// <summary>Retainers followed up from a point to name it (<c>Holder@id.a.b</c>): paths longer than this read worse than an id.</summary>
    public const int PropertyPathMaxHops = 5;

    /// <summary>Objects shown after the root in a root-held group's path: the start is what tells the holder.</summary>
    public const int RootHeldPathObjects = 4;

    /// <summary>Links walked up from a point in search of application code: beyond this it is framework plumbing.</summary>
    public const int LocationMaxSteps = 64;

    /// <summary>Classes listed per suspect, by new object count.</summary>
    public const int TopClasses = 5;

    /// <summary>Allocation stacks listed per suspect, by bytes: the rest are usually the same code reached another way.</summary>
    public const int TopAllocationStacks = 3;

    /// <summary>Frames kept per allocation stack, top first: deeper callers are the framework's.</summary>
    public const int AllocationFrames = 8;
}
