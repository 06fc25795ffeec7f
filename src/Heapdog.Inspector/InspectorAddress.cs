using System.Globalization;
using System.Net;
using System.Text;

namespace Heapdog.Inspector;

/// <summary>
/// The address a Node process's inspector listens on, or would listen on after SIGUSR1, as its options configure it:
/// <c>--inspect</c>, <c>--inspect-brk</c>, <c>--inspect-wait</c> (each with an optional <c>=[HOST:]PORT</c>) and
/// <c>--inspect-port</c> / <c>--debug-port</c> (<c>=[HOST:]PORT</c> or the value as the next argument).
/// </summary>
/// <remarks>
/// Follows Node's own rules (<c>SplitHostPort</c> and <c>HostPort::Update</c> in src/node_options.cc): a value of digits
/// only is a port, a value without ':' a host, <c>[v6]</c> a bracketed host, anything else HOST:PORT split at the last ':';
/// each option changes only what it names, NODE_OPTIONS is read first and the command line after it, the later winning.
/// </remarks>
/// <param name="Host">The host to listen on, as written ("127.0.0.1" when nothing sets one).</param>
/// <param name="Port">The port; 0 means any free port.</param>
/// <param name="HostSource">The option that set the host and where ("--inspect-port in NODE_OPTIONS"); null for the default.</param>
public sealed record InspectorAddress(string Host, int Port, string? HostSource)
{
    /// <summary>Node's inspector host unless an option sets another.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Node's inspector port unless an option sets another.</summary>
    public const int DefaultPort = 9229;

    /// <summary>The default: 127.0.0.1:9229.</summary>
    public static readonly InspectorAddress Default = new(DefaultHost, DefaultPort, null);

    // Node options whose value may be the next argument; any other option is a single argument.
    private static readonly HashSet<string> OptionsWithValue = new(StringComparer.Ordinal)
    {
        "-e", "--eval", "-p", "--print", "-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
        "--title", "--input-type", "--inspect-port", "--debug-port", "--env-file", "--env-file-if-exists", "--watch-path",
        "--redirect-warnings", "--openssl-config", "--tls-cipher-list", "--tls-keylog", "--icu-data-dir", "--diagnostic-dir",
        "--report-dir", "--report-directory", "--report-filename", "--report-signal", "--heapsnapshot-signal",
        "--heapsnapshot-near-heap-limit", "--cpu-prof-dir", "--cpu-prof-name", "--cpu-prof-interval", "--heap-prof-dir",
        "--heap-prof-name", "--heap-prof-interval", "--unhandled-rejections", "--dns-result-order", "--secure-heap",
        "--secure-heap-min", "--disable-warning", "--experimental-policy", "--policy-integrity", "--trace-event-categories",
        "--trace-event-file-pattern", "--use-largepages", "--max-http-header-size", "--localstorage-file",
        "--experimental-config-file", "--run", "--watch-kill-signal", "--test-reporter", "--test-reporter-destination",
        "--test-name-pattern", "--test-skip-pattern", "--test-shard", "--test-concurrency", "--test-timeout",
        "--experimental-sea-config", "--stack-trace-limit",
    };

    /// <summary>True when only this host can reach the inspector: 127.0.0.0/8, ::1 or <c>localhost</c>.</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>HOST:PORT, an IPv6 host in brackets ("[::]:9229").</summary>
    public override string ToString() =>
        (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The inspector address configured by <paramref name="commandLine"/> (the whole of <c>/proc/PID/cmdline</c>, the
    /// executable first; only Node's own options before the script count) and <paramref name="nodeOptions"/> (the value of
    /// the process's NODE_OPTIONS, or null).
    /// </summary>
    public static InspectorAddress Parse(IReadOnlyList<string> commandLine, string? nodeOptions)
    {
        var address = Default;
        if (nodeOptions is not null)
        {
            var options = SplitNodeOptions(nodeOptions);
            address = Apply(address, options, 0, "in NODE_OPTIONS");
        }
        return Apply(address, commandLine, 1, "on the command line");
    }

    /// <summary>True for an IP address in 127.0.0.0/8, ::1 (also IPv4-mapped) and the name <c>localhost</c>.</summary>
    public static bool IsLoopbackHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IsLoopbackAddress(ip);
    }

    /// <summary>True for 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6; false for the wildcards and all else.</summary>
    public static bool IsLoopbackAddress(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static InspectorAddress Apply(InspectorAddress address, IReadOnlyList<string> args, int start, string where)
    {
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            // "--" ends Node's options, and the first argument that is not an option is the script: the rest is its own.
            if (arg == "--" || arg.Length < 2 || arg[0] != '-') break;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            string? value = equals < 0 ? null : arg[(equals + 1)..];
            if (value is null && OptionsWithValue.Contains(name))
            {
                if (i + 1 >= args.Count) break;
                value = args[++i];
            }
            if (value is null) continue;
            if (name is "--inspect" or "--inspect-brk" or "--inspect-wait" or "--inspect-brk-node" or "--inspect-port" or "--debug-port")
                address = Update(address, value, $"{name} {where}");
        }
        return address;
    }

    /// <summary>Node's <c>SplitHostPort</c> then <c>HostPort::Update</c>: only the parts the value names change.</summary>
    private static InspectorAddress Update(InspectorAddress address, string value, string source)
    {
        string? host;
        int? port = null;
        if (value.Length >= 2 && value[0] == '[' && value[^1] == ']')
        {
            host = value[1..^1];
        }
        else if (value.LastIndexOf(':') is var colon and >= 0)
        {
            host = value[..colon];
            if (host.Length >= 2 && host[0] == '[' && host[^1] == ']') host = host[1..^1];
            port = ParsePort(value[(colon + 1)..]);
        }
        else if (value.Length > 0 && value.All(char.IsAsciiDigit))
        {
            host = null;
            port = ParsePort(value);
        }
        else
        {
            host = value;
        }
        if (!string.IsNullOrEmpty(host)) address = address with { Host = host, HostSource = source };
        if (port is int p) address = address with { Port = p };
        return address;
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 0 and <= 65535 ? port : null;

    /// <summary>NODE_OPTIONS split as Node splits it: at spaces, except inside double quotes, where \ escapes a character.</summary>
    internal static List<string> SplitNodeOptions(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes && c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
                any = true;
            }
            else if (!inQuotes && char.IsWhiteSpace(c))
            {
                if (any) result.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (any) result.Add(current.ToString());
        return result;
    }
}
