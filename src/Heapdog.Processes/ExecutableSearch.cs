namespace Heapdog.Processes;

/// <summary>Finds a program on PATH the way a shell would (first directory that has a file of that name).</summary>
public static class ExecutableSearch
{
    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
