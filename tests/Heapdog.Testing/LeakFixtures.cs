namespace Heapdog.Testing;

/// <summary>
/// The leak programs in tests/fixtures/leaks: each runs three rounds of one way of leaking (or a healthy control) and
/// writes a snapshot after each (<see cref="SnapshotFixtures.Written"/>); the line that leaks is marked <c>// leak-site</c>.
/// </summary>
public static class LeakFixtures
{
    /// <summary>The program's name for <see cref="SnapshotFixtures.Written"/> ("leaks/listeners.js").</summary>
    public static string Program(string name) => $"leaks/{name}.js";

    public static string ProgramPath(string name) => RepoPaths.Fixture(Program(name));

    /// <summary>The 1-based line of the program marked <c>// leak-site</c>.</summary>
    public static int LeakSiteLine(string name)
    {
        var lines = File.ReadAllLines(ProgramPath(name));
        int index = Array.FindIndex(lines, l => l.Contains("// leak-site", StringComparison.Ordinal));
        return index >= 0 ? index + 1 : throw new InvalidOperationException($"{ProgramPath(name)} has no line marked // leak-site");
    }
}
