using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Fleet;

/// <summary>What the server keeps of its fleet (docs/fleet.md): the store's fleet operations, the agents' tokens, the
/// remote jobs and their uploads, and the name the server's own host goes by.</summary>
public sealed class FleetState
{
    public FleetState(IFleetStore store, string uploadDirectory)
    {
        Store = store;
        Tokens = new AgentTokens(store);
        Uploads = new RemoteUploads(uploadDirectory);
        Jobs = new RemoteJobs(Uploads);
    }

    /// <summary>How long a remote process counts as running after its agent last reported a sample of it.</summary>
    public static readonly TimeSpan RunningFor = TimeSpan.FromSeconds(60);

    public IFleetStore Store { get; }
    public AgentTokens Tokens { get; }
    public RemoteUploads Uploads { get; }
    public RemoteJobs Jobs { get; }

    /// <summary>The server's own host name, which its own processes carry as their <c>host</c>.</summary>
    public string LocalHost { get; } = Environment.MachineName;

    /// <summary>The host a stored process is of: its agent's, or this server's.</summary>
    public string HostOf(StoredProcess p) => p.Host.Length > 0 ? p.Host : LocalHost;
}
