using System.Diagnostics;
using System.Globalization;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>
/// A network namespace for one test "host" (<c>ip netns add</c>), joined to the test's own namespace by a veth pair on a
/// private /30 of 10.213.0.0/16: the host side is <see cref="Gateway"/>, the namespace side <see cref="Address"/>. Its
/// loopback is up (a Node inspector there is its own). Removed, with its pair, on Dispose. Needs root.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly string _hostSide;

    public NetworkNamespace(int index)
    {
        string tag = (Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture) + "x" + index.ToString(CultureInfo.InvariantCulture);
        Name = "hdfleet" + tag;
        _hostSide = "hdv" + tag;
        string nsSide = "hdn" + tag;
        int octet = Environment.ProcessId % 250 + 1;
        Gateway = $"10.213.{octet}.{index * 4 + 1}";
        Address = $"10.213.{octet}.{index * 4 + 2}";
        try
        {
            Ip("netns", "add", Name);
            Ip("link", "add", _hostSide, "type", "veth", "peer", "name", nsSide);
            Ip("link", "set", nsSide, "netns", Name);
            Ip("addr", "add", Gateway + "/30", "dev", _hostSide);
            Ip("link", "set", _hostSide, "up");
            Ip("netns", "exec", Name, "ip", "addr", "add", Address + "/30", "dev", nsSide);
            Ip("netns", "exec", Name, "ip", "link", "set", nsSide, "up");
            Ip("netns", "exec", Name, "ip", "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }
    public string Gateway { get; }
    public string Address { get; }

    /// <summary>Why these tests cannot run here, or null: they need root and the <c>ip</c> command.</summary>
    public static string? Unavailable =>
        !OperatingSystem.IsLinux() ? "network namespaces are Linux's"
        : Environment.UserName != "root" && geteuid() != 0 ? "creating network namespaces needs root (CI runs these tests as root)"
        : !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") ? "the ip command (iproute2) is not installed"
        : null;

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    /// <summary>How to start <paramref name="start"/> inside this namespace (<c>ip netns exec</c>), environment kept.</summary>
    public ProcessStartInfo Inside(ProcessStartInfo start)
    {
        var inside = new ProcessStartInfo("ip") { WorkingDirectory = start.WorkingDirectory, RedirectStandardInput = start.RedirectStandardInput };
        foreach (string a in (string[])["netns", "exec", Name, start.FileName, .. start.ArgumentList]) inside.ArgumentList.Add(a);
        foreach (var (k, v) in start.Environment) inside.Environment[k] = v;
        return inside;
    }

    private static void Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var ip = Process.Start(start)!;
        string error = ip.StandardError.ReadToEnd();
        ip.WaitForExit();
        if (ip.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {error.Trim()}");
    }

    public void Dispose()
    {
        // Deleting one end of a veth pair deletes both; deleting the namespace ends what ran in it no more than it did.
        try { Ip("link", "del", _hostSide); } catch (InvalidOperationException) { }
        try { Ip("netns", "del", Name); } catch (InvalidOperationException) { }
    }
}
