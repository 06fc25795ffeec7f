namespace Heapdog.Cli.Tests;

/// <summary>A test that starts a real PostgreSQL (<see cref="PostgresServer"/>): skipped, saying why, where none can run.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Unavailable is { } why) Skip = why;
    }
}
