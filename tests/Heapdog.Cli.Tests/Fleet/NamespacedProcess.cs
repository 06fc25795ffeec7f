using System.Diagnostics;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>A program run inside a <see cref="NetworkNamespace"/> (<c>ip netns exec NS …</c>), read and killed like any
/// other child; <c>ip netns exec</c> execs the program, so the pid is the program's.</summary>
internal sealed class NamespacedProcess(ProcessStartInfo start, string name) : ChildProcess(start, name)
{
    /// <summary>Waits for the line "port N" a service prints once it listens.</summary>
    public async Task PortAsync() => await WaitForLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal), "a \"port N\" line", TimeSpan.FromMinutes(1));
}
