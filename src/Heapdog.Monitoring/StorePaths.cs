namespace Heapdog.Monitoring;

/// <summary>Where the store lives by default: <c>$XDG_DATA_HOME/heapdog/heapdog.db</c>, else
/// <c>~/.local/share/heapdog/heapdog.db</c>.</summary>
public static class StorePaths
{
    public static string Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "heapdog", "heapdog.db");
    }
}
