using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>One schema step: brings a store from <c>Version - 1</c> to <see cref="Version"/>.</summary>
internal sealed record Migration(int Version, string Description, Action<SqliteConnection, SqliteTransaction> Apply);
