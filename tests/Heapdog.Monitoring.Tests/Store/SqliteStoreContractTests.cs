using Heapdog.Monitoring.Store;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>The store contract on SQLite: a fresh file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDirectory _dir = new();

    public static string? SkipReason => null;

    private string FilePath => _dir.File("store.db");

    protected override ISampleStore OpenStore() => SampleStore.Open(FilePath);

    protected override long SchemaSteps()
    {
        using var c = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM schema_version";
        return (long)cmd.ExecuteScalar()!;
    }

    protected override void DisposeStore() => _dir.Dispose();
}
