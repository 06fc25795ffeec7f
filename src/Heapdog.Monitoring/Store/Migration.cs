using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>One schema step: brings a store from <c>Version - 1</c> to <see cref="Version"/>. A step that
/// <see cref="RebuildsTables"/> runs with foreign keys off (SQLite's documented way to change a table's constraints: dropping
/// the old table would otherwise cascade to the rows that reference it), checked before it commits.</summary>
internal sealed record Migration(int Version, string Description, Action<SqliteConnection, SqliteTransaction> Apply, bool RebuildsTables = false);
