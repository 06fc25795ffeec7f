namespace Heapdog.Testing;

/// <summary>Finds files of the repository (fixture programs, the DevTools reference scripts) from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Heapdog.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Heapdog.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>A program in tests/fixtures (<paramref name="name"/> may name a subfolder: "leaks/listeners.js").</summary>
    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", name);

    public static string Reference(string name) => Path.Combine(Root, "tests", "reference", name);
}
