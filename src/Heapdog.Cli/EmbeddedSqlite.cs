using System.Reflection;
using System.Runtime.InteropServices;

namespace Heapdog.Cli;

/// <summary>
/// The native SQLite library of a single-file (NativeAOT) heapdog: the publish embeds the target's <c>libe_sqlite3.so</c>
/// as a resource instead of putting it beside the binary, and the first SQLite call loads it from there. The library is
/// written to a private temporary directory (mode 700), loaded, and deleted at once (a loaded library needs no file).
/// A build without the resource (<c>dotnet heapdog.dll</c>, the tests) loads SQLite the usual way.
/// </summary>
internal static class EmbeddedSqlite
{
    private const string LibraryName = "e_sqlite3";
    private const string Resource = "native/libe_sqlite3.so";

    public static void Register()
    {
        if (typeof(EmbeddedSqlite).Assembly.GetManifestResourceInfo(Resource) is null) return;
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName) return IntPtr.Zero;
        var directory = Directory.CreateTempSubdirectory("heapdog-sqlite-");
        try
        {
            string path = Path.Combine(directory.FullName, "libe_sqlite3.so");
            using (var source = typeof(EmbeddedSqlite).Assembly.GetManifestResourceStream(Resource)!)
            using (var target = File.Create(path))
                source.CopyTo(target);
            return NativeLibrary.Load(path);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
