namespace Heapdog.Monitoring.Store;

/// <summary>What goes with an opened store, whichever its engine.</summary>
public static class Stores
{
    /// <summary>The dashboard's view of <paramref name="store"/>: SQLite's readers keep their own pooled connections to
    /// the file beside the watcher's; PostgreSQL's store serves both sides from one pool.</summary>
    public static IDashboardStore DashboardOf(ISampleStore store) => store switch
    {
        SampleStore file => new DashboardStore(file.Path),
        PostgresStore database => database,
        _ => throw new ArgumentException($"no dashboard view of a {store.Kind} store", nameof(store)),
    };

    /// <summary>The fleet's operations on <paramref name="store"/> (agent tokens, hosts, agents' batches): SQLite's on
    /// their own pooled connections to the file, PostgreSQL's on the store's one pool.</summary>
    public static IFleetStore FleetOf(ISampleStore store) => store switch
    {
        SampleStore file => new FleetStore(file.Path),
        PostgresStore database => database,
        _ => throw new ArgumentException($"no fleet operations on a {store.Kind} store", nameof(store)),
    };
}
