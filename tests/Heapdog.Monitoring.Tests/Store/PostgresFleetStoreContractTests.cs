using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>The fleet's store contract on a real PostgreSQL (<see cref="PostgresServer"/>): a fresh database per test.</summary>
public sealed class PostgresFleetStoreContractTests(PostgresFixture postgres) : FleetStoreContractTests, IClassFixture<PostgresFixture>
{
    private readonly string _database = postgres.Server.CreateDatabase();

    public static string? SkipReason => PostgresServer.Unavailable;

    protected override ISampleStore OpenStore() => PostgresStore.Open(postgres.Server.Url(_database, withPassword: true));
}
