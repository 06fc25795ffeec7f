namespace Heapdog.Mcp;

/// <summary>
/// Where the live tools write snapshots and profiles when the agent names no directory: a private (0700) temporary
/// directory of this server, removed when it stops. The files stay there for follow-up calls (inspect, paths, …).
/// </summary>
public sealed class McpWorkspace : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("heapdog-mcp-").FullName;

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort: it is under the temp directory */ }
    }
}
