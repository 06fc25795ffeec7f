using System.Runtime.InteropServices;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// Keeps a long-running agent's memory near its baseline through big pieces of work (a capture, an upload): a compacting
/// collection that also decommits the free parts of the managed heap, then glibc's <c>malloc_trim</c>, which returns the
/// free pages of every malloc arena (the runtime's and SQLite's native memory). Run every 2 s while a capture streams
/// and while an upload runs (and after every 64 MiB uploaded): their garbage is small but steady (chunk buffers,
/// requests, native scratch memory), and each collection the runtime makes on its own leaves the freed pages committed.
/// Run once more between the capture and its upload, so that the first's leftovers do not add to the second's peak, and
/// after the upload, so that an idle agent does not keep its peak for the rest of its life.
/// </summary>
internal static class MemoryRelease
{
    /// <summary>How often <see cref="During"/> releases.</summary>
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    /// <summary>How many uploaded bytes an upload releases after, besides <see cref="During"/>: a fast link sends more
    /// between two ticks than the agent can spare.</summary>
    public const long UploadBytes = 64 << 20;

    // glibc's mallopt parameter for the number of malloc arenas.
    private const int ArenaMaxParameter = -8;

    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the collection above is all there is.
        }
    }

    /// <summary>Releases every few seconds until disposed.</summary>
    public static IDisposable During() => new Timer(_ => Now(), null, Every, Every);

    /// <summary>
    /// Caps glibc's malloc arenas at two: by default each thread that meets contention gets an arena of its own (up to
    /// eight per core), and every arena keeps its own free pages; the agent's threads are few and mostly waiting. Applies
    /// to the arenas made from now on.
    /// </summary>
    public static void LimitMallocArenas()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallOpt(ArenaMaxParameter, 2);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: musl's malloc has no arenas to cap.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
