using System.Runtime.Versioning;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Tests;

/// <summary>The store's file: created owner-only with its journal and directory, and never made out of a file that is
/// not a store when only read (<see cref="SampleStore.OpenReadOnly"/>). Run under the default umask (022).</summary>
[SupportedOSPlatform("linux")]
public sealed class SampleStoreFileTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void Open_NewStore_FileJournalAndDirectoryAreOwnerOnly()
    {
        using var dir = new TempDirectory();
        string path = dir.File("state/heapdog/h.db");
        using var store = SampleStore.Open(path);
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js --token=secret", 0, null, 1);

        File.GetUnixFileMode(dir.File("state")).ShouldBe(OwnerDirectory);
        File.GetUnixFileMode(dir.File("state/heapdog")).ShouldBe(OwnerDirectory);
        File.GetUnixFileMode(path).ShouldBe(OwnerFile);
        File.Exists(path + "-wal").ShouldBeTrue();
        File.GetUnixFileMode(path + "-wal").ShouldBe(OwnerFile);
        File.GetUnixFileMode(path + "-shm").ShouldBe(OwnerFile);
    }

    [Fact]
    public void Open_WorldReadableJournalLeftBehind_IsMadeOwnerOnly()
    {
        using var dir = new TempDirectory();
        string path = dir.File("h.db");
        SampleStore.Open(path).Dispose();
        using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            other.Open();
            using var q = other.CreateCommand();
            q.CommandText = "SELECT COUNT(*) FROM processes";
            q.ExecuteScalar();
            File.SetUnixFileMode(path + "-shm", OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            using var store = SampleStore.Open(path);
            File.GetUnixFileMode(path + "-shm").ShouldBe(OwnerFile);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-21 node[41]: FATAL ERROR: Reached heap limit\n")]
    public void OpenReadOnly_EmptyOrTextFile_IsNotAStoreAndStaysAsItWas(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.File("not.db");
        File.WriteAllText(path, content);
        var e = Should.Throw<StoreException>(() => SampleStore.OpenReadOnly(path));
        e.Message.ShouldBe($"'{path}' is not a Heapdog store");
        File.ReadAllText(path).ShouldBe(content);
        Directory.GetFiles(dir.Path).ShouldBe([path]);
    }

    [Fact]
    public void OpenReadOnly_SqliteDatabaseOfAnotherProgram_IsNotAStoreAndUntouched()
    {
        using var dir = new TempDirectory();
        string path = dir.File("other.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "CREATE TABLE notes (text TEXT)";
            q.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(path);
        Should.Throw<StoreException>(() => SampleStore.OpenReadOnly(path)).Message.ShouldBe($"'{path}' is not a Heapdog store");
        File.ReadAllBytes(path).ShouldBe(before);
    }

    [Fact]
    public void OpenReadOnly_ReadOnlyStore_IsReadNotRefused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("h.db");
        using (var store = SampleStore.Open(path))
            store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", 0, null, 1);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using (var readOnly = SampleStore.OpenReadOnly(path))
            readOnly.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead);
    }
}
