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
        catch (StoreException e) { throw Translate(e); }
    }

    /// <summary>Opens (creating and migrating) the store <paramref name="address"/> names: a SQLite file or a PostgreSQL
    /// database. An unreachable PostgreSQL is <see cref="ErrorKind.StoreNotWritable"/>.</summary>
    public static ISampleStore Open(StoreAddress address)
    {
        try { return address.Kind == StoreAddress.Postgresql ? PostgresStore.Open(address.Target) : SampleStore.Open(address.Target); }
        catch (StoreException e) { throw Translate(e); }
    }

    /// <summary><see cref="SampleStore.OpenReadOnly"/>: a file that is not a store is <see cref="ErrorKind.Malformed"/>.</summary>
    public static SampleStore OpenReadOnly(string path)
    {
        try { return SampleStore.OpenReadOnly(path); }
        catch (StoreException e) { throw Translate(e); }
    }

    /// <summary>The error kind of a store failure: not a store is <see cref="ErrorKind.Malformed"/>, a full disk or an
    /// I/O error <see cref="ErrorKind.OutputFailed"/>, a read-only store or an unreachable PostgreSQL
    /// <see cref="ErrorKind.StoreNotWritable"/>.</summary>
    public static HeapdogException Translate(StoreException e) => new(e.Problem switch
    {
        StoreProblem.DiskFull or StoreProblem.IoError or StoreProblem.CannotOpen => ErrorKind.OutputFailed,
        StoreProblem.ReadOnly or StoreProblem.Unreachable => ErrorKind.StoreNotWritable,
        _ => ErrorKind.Malformed,
    }, e.Message, e);
}
