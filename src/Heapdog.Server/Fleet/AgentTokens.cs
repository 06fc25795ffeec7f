using System.Security.Cryptography;
using System.Text;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Hosting;
using Heapdog.Workflows.Errors;

namespace Heapdog.Server.Fleet;

/// <summary>
/// The agents' tokens (docs/fleet.md, Security): one per agent, made here from 32 random bytes and shown once; the store
/// keeps only its SHA-256. A token presented is hashed and compared with every stored hash in constant time, without
/// stopping at a match, so the time taken says nothing of which token or how much of one matched.
/// </summary>
public sealed class AgentTokens(IFleetStore store)
{
    /// <summary>A token name: what <c>heapdog tokens create NAME</c> accepts.</summary>
    public static bool ValidName(string name) => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Makes the token of a new agent and returns it (the only time it is known).</summary>
    public string Create(string name)
    {
        if (!ValidName(name))
            throw new HeapdogException(ErrorKind.BadRequest, $"token name '{name}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.'");
        string token = TokenGate.NewToken();
        if (!store.AddToken(name, Hash(token), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            throw new HeapdogException(ErrorKind.OutputExists, $"a token named '{name}' exists: revoke it first ('heapdog tokens revoke {name}')");
        return token;
    }

    public void Revoke(string name)
    {
        if (!store.RevokeToken(name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            throw new HeapdogException(ErrorKind.NotFound, $"no token named '{name}' in use");
    }

    /// <summary>The stored token <paramref name="presented"/> is, revoked or not; null when it is none.</summary>
    public AgentTokenRecord? Find(string presented)
    {
        byte[] hash = Hash(presented);
        AgentTokenRecord? found = null;
        foreach (var record in store.Tokens())
            if (CryptographicOperations.FixedTimeEquals(hash, record.Hash)) found = record;
        return found;
    }

    public IReadOnlyList<AgentTokenRecord> All() => store.Tokens();
}
