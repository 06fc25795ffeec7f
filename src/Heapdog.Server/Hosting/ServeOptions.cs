using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Hosting;

/// <summary>How <c>heapdog serve</c> runs (docs/serve.md).</summary>
public sealed record ServeOptions
{
    public required IReadOnlyList<string> Urls { get; init; }
    /// <summary>The SQLite store file (<c>--db</c>), used when <see cref="Store"/> is not given.</summary>
    public string DbPath { get; init; } = "";
    /// <summary>The store from <c>--store</c> (a SQLite file or PostgreSQL); null: the SQLite file <see cref="DbPath"/>.</summary>
    public StoreAddress? Store { get; init; }
    /// <summary>The store to open: <see cref="Store"/>, else the file <see cref="DbPath"/>.</summary>
    public StoreAddress StoreOrFile => Store ?? StoreAddress.OfFile(DbPath);
    public required string SnapshotsDir { get; init; }
    public WatchOptions Watch { get; init; } = new();
    /// <summary>The largest upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; init; }
    /// <summary>Analysed snapshots kept in memory at once (the others are reopened from their index on demand).</summary>
    public int LoadedSnapshots { get; init; } = 2;
    /// <summary>Read heap used/total, external, arrayBuffers and the heap limit through each process's inspector.</summary>
    public bool RuntimeFigures { get; init; }
    /// <summary>What every request for data must carry (docs/serve.md, Security): HEAPDOG_TOKEN, or one
    /// <c>heapdog serve</c> made up at start. Null only with <c>--no-token</c>, which loopback alone allows.</summary>
    public string? Token { get; init; }
    /// <summary>Whether <see cref="Token"/> was made up at start (<see cref="TokenGate.NewToken"/>): the URL printed at
    /// start then carries it, since the user has no other way to learn it. A token the user set is not echoed.</summary>
    public bool TokenGenerated { get; init; }
    /// <summary>Names a browser may use for the server beyond its bound addresses and loopback (<c>--allowed-host</c>):
    /// <c>NAME</c> or <c>NAME:PORT</c>. On a wildcard address, the only names accepted once one is given.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    /// <summary>Make the store, the snapshot directory and the files in it owner-only when others may read them
    /// (<c>--fix-modes</c>), instead of warning.</summary>
    public bool FixModes { get; init; }
    /// <summary>The TLS certificate (PEM) for <c>https://</c> URLs (<c>--cert</c>), with its private key (<c>--key</c>,
    /// PEM); null for none.</summary>
    public string? CertificatePath { get; init; }
    public string? KeyPath { get; init; }
}
