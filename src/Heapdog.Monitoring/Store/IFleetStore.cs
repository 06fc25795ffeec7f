using Heapdog.Monitoring.Fleet;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The fleet's operations on the server's store (docs/fleet.md): agent tokens (hashes only), the hosts that report, the
/// batches agents ship (each applied once, in one transaction), the verdicts they shipped, and the remote jobs they run
/// for users (kept so that a restarted server takes them up again). One implementation per
/// store engine, beside that engine's <see cref="IDashboardStore"/>.
/// </summary>
public interface IFleetStore
{
    /// <summary>Adds a token, or gives a revoked one of the same name a new hash. False when a token of that name is in use.</summary>
    bool AddToken(string name, byte[] hash, long nowMs);

    /// <summary>Revokes the token of that name; false when there is none in use.</summary>
    bool RevokeToken(string name, long nowMs);

    /// <summary>Every token, revoked ones included.</summary>
    IReadOnlyList<AgentTokenRecord> Tokens();

    /// <summary>Applies an agent's batch once: a batch whose sequence was applied before changes nothing.</summary>
    /// <exception cref="InvalidDataException">A row refers to a process the batch does not describe.</exception>
    /// <exception cref="HostClaimedException">The host reports with another agent token.</exception>
    BatchOutcome ApplyBatch(string agent, AgentBatch batch, long nowMs);

    /// <summary>Every host that has reported, most recently heard of first, with its processes seen since
    /// <paramref name="runningSinceMs"/>.</summary>
    IReadOnlyList<FleetHost> Hosts(long runningSinceMs);

    /// <summary>The latest verdict an agent shipped for each of its processes, as JSON, by the server's process id.</summary>
    IReadOnlyDictionary<long, string> Verdicts();

    /// <summary>Records a remote job as it stands now: added the first time, replaced after (by its id).</summary>
    void SaveRemoteJob(RemoteJobRecord job);

    /// <summary>Every remote job kept, oldest first.</summary>
    IReadOnlyList<RemoteJobRecord> RemoteJobs();

    /// <summary>Forgets the ended remote jobs but the newest <paramref name="keepEnded"/>; returns how many it forgot.</summary>
    int PruneRemoteJobs(int keepEnded);
}
