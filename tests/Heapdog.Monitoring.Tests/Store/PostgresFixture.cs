namespace Heapdog.Monitoring.Tests.Store;

/// <summary>One PostgreSQL for a test class, started on first use (never where tests are skipped) and torn down after.</summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly Lazy<PostgresServer> _server = new(() => new PostgresServer());

    public PostgresServer Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}
