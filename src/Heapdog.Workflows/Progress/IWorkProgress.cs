namespace Heapdog.Workflows.Progress;

/// <summary>
/// How a long workflow tells its caller where it is: the CLI draws a status line on stderr, the server updates a job,
/// the MCP server sends progress notifications. Implementations are called on the workflow's thread.
/// </summary>
public interface IWorkProgress
{
    /// <summary><paramref name="fraction"/> of <paramref name="phase"/> is done (0..1, or negative when unknown).</summary>
    void Report(string phase, double fraction);

    /// <summary>A line the user should read even when nothing failed (a warning, a note).</summary>
    void Notice(string line);

    /// <summary>Nothing is in progress any more (before results are printed).</summary>
    void Clear();
}
