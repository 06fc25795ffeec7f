namespace Heapdog.Workflows.Progress;

/// <summary>
/// How a long workflow tells its caller where it is: the CLI draws a status line on stderr, the server updates a job,
/// the MCP server sends progress notifications. Implementations are called on the workflow's thread.
/// </summary>
public interface IWorkProgress
{
    /// <summary><paramref name="fraction"/> of <paramref name="phase"/> is done (0..1, or negative when unknown).</summary>
    void Report(string phase, double fraction);

    /// <summary><paramref name="done"/> of <paramref name="total"/> bytes of <paramref name="phase"/> (a total of 0 or
    /// less when it is not known: stdin, a stream being written). Sinks that draw no bytes see the fraction.</summary>
    void ReportBytes(string phase, long done, long total) => Report(phase, total > 0 ? Math.Min(1.0, (double)done / total) : -1);

    /// <summary>A line the user should read even when nothing failed (a warning, a note).</summary>
    void Notice(string line);

    /// <summary>Nothing is in progress any more (before results are printed).</summary>
    void Clear();

    /// <summary>
    /// The sink for work running beside the caller's (the next snapshot, read ahead on a second core), named by
    /// <paramref name="lane"/>: its phases are timed apart from the caller's, and <see cref="Clear"/> on it says only
    /// that this work is over. By default this same sink.
    /// </summary>
    IWorkProgress Beside(string lane) => this;
}
