namespace Heapdog.Workflows.Reports.Serve;

/// <summary>
/// <c>heapdog serve --json</c> (docs/serve.md): one document on stdout once the server listens. <see cref="OpenUrls"/>
/// are the addresses to open in a browser, with the token (<c>$HEAPDOG_TOKEN</c> in its place when the token came from
/// that variable; empty with <c>--no-token</c>).
/// </summary>
public sealed record ServeResult(int SchemaVersion, IReadOnlyList<string> Urls, IReadOnlyList<string> OpenUrls, string Db, string Snapshots,
    int Watching, int Pid, bool WebUi);
