namespace Heapdog.Cli.Tests.Fleet;

/// <summary>A test that makes network namespaces (<see cref="NetworkNamespace"/>): skipped, saying why, where it cannot;
/// with <see cref="Postgres"/>, also where no PostgreSQL can be started (<see cref="PostgresServer"/>).</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetworkNamespace.Unavailable is { } why) Skip = why;
    }

    /// <summary>The test starts a real PostgreSQL too.</summary>
    public bool Postgres
    {
        get;
        init
        {
            field = value;
            if (value && Skip is null && PostgresServer.Unavailable is { } why) Skip = why;
        }
    }
}
