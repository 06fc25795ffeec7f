namespace Heapdog.Monitoring.Store;

/// <summary>The store cannot be used: not a SQLite file, written by a newer Heapdog, or not writable. The message is
/// one line naming the file.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
