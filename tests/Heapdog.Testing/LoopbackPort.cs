using System.Net;
using System.Net.Sockets;

namespace Heapdog.Testing;

public static class LoopbackPort
{
    /// <summary>How far below the kernel's ephemeral range ports are chosen.</summary>
    private const int Span = 12_000;

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago, chosen at random below the kernel's ephemeral range
    /// (<c>ip_local_port_range</c>). The kernel hands out ports of that range to outgoing connections, so a port of it
    /// can be taken by any test's client between this check and a server's bind, or while a server restarts on it;
    /// below the range only another listener can take it. The system's own choice when no such port is free.
    /// </summary>
    public static int Free()
    {
        int low = EphemeralLow();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = Random.Shared.Next(Math.Max(1024, low - Span), low);
            if (TryBind(port)) return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool TryBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 where it cannot be read).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && int.TryParse(fields[0], out int low) && low > 1024 ? low : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
        catch (UnauthorizedAccessException)
        {
            return 32768;
        }
    }
}
