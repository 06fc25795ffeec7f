using System.Runtime.InteropServices;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// Gives memory back to the system after a big piece of work of a long-running agent (a capture, an upload): a
/// compacting collection that also decommits the free parts of the managed heap, then glibc's <c>malloc_trim</c>, which
/// returns the free pages of every malloc arena (the runtime's and SQLite's native memory). Between a capture and its
/// upload it keeps the first's leftovers from adding to the second's peak; after both, an idle agent goes back to its
/// baseline instead of keeping its peak for the rest of its life.
/// </summary>
internal static class MemoryRelease
{
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

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
