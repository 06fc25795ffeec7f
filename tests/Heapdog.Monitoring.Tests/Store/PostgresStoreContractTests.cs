using System.Globalization;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>The store contract on a real PostgreSQL (<see cref="PostgresServer"/>): a fresh database per test.</summary>
public sealed class PostgresStoreContractTests(PostgresFixture postgres) : StoreContractTests, IClassFixture<PostgresFixture>
{
    private readonly string _database = postgres.Server.CreateDatabase();

    public static string? SkipReason => PostgresServer.Unavailable;

    protected override ISampleStore OpenStore() => PostgresStore.Open(postgres.Server.Url(_database, withPassword: true));

    protected override long SchemaSteps() =>
        long.Parse(postgres.Server.Psql("SELECT COUNT(*) FROM schema_version", _database), CultureInfo.InvariantCulture);
}
