using Heapdog.Monitoring.Store;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Monitoring;

/// <summary>Opens the sample store shared by <c>watch</c>, <c>oom</c> and <c>serve</c>, with its failures as
/// <see cref="ErrorKind"/>s.</summary>
public static class StoreOpener
{
    public static SampleStore Open(string path)
    {
        try { return SampleStore.Open(path); }
        catch (StoreException e) { throw new HeapdogException(ErrorKind.Malformed, e.Message, e); }
    }

    /// <summary><see cref="SampleStore.OpenReadOnly"/>: a file that is not a store is <see cref="ErrorKind.Malformed"/>.</summary>
    public static SampleStore OpenReadOnly(string path)
    {
        try { return SampleStore.OpenReadOnly(path); }
        catch (StoreException e) { throw new HeapdogException(ErrorKind.Malformed, e.Message, e); }
    }
}
