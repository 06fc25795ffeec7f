using System.Text.Json;

namespace Heapdog.Workflows.Fleet;

/// <summary>What an agent tells the server of a job it runs: its progress (<see cref="Phase"/>, <see cref="Fraction"/>),
/// then once its end: <see cref="Error"/> (with the <see cref="ErrorKind"/> name) or its <see cref="Report"/> (a hunt's or a
/// sample's report; a capture's snapshot is uploaded instead).</summary>
public sealed record AgentJobUpdate(string Phase, double? Fraction, bool Done = false, string? Error = null, string? ErrorKind = null, JsonElement? Report = null);
