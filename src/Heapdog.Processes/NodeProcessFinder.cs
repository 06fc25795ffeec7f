using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// Finds the Node.js processes on the host. A process is Node when <c>/proc/PID/exe</c> points at a file named
/// <c>node</c> or <c>nodejs</c> (any version suffix after a dash or dot is allowed, e.g. <c>node-20</c>), or, when the exe
/// link is unreadable, when argv[0]'s base name is one of those. <c>comm</c> is not used: <c>process.title</c> rewrites it.
/// </summary>
public static class NodeProcessFinder
{
    /// <summary>Every readable Node process on the host except the caller, in pid order.</summary>
    public static IReadOnlyList<ProcessInfo> FindAll()
    {
        var found = new List<ProcessInfo>();
        int self = Environment.ProcessId;
        foreach (var pid in ListPids())
        {
            if (pid == self) continue;
            var cmdline = ProcessReader.TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            if (cmdline is null || cmdline.Length == 0) continue; // kernel threads have an empty cmdline
            if (!IsNode(ProcessReader.TryReadExe(pid), ProcessReader.ParseCommandLine(cmdline))) continue;
            if (ProcessReader.TryRead(pid) is { } info) found.Add(info);
        }
        return found;
    }

    /// <summary>Numeric entries of /proc, sorted.</summary>
    public static IReadOnlyList<int> ListPids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
        }
        pids.Sort();
        return pids;
    }

    /// <summary>Decides from the exe link target (null when unreadable) and the arguments.</summary>
    public static bool IsNode(string? exeTarget, IReadOnlyList<string> commandLine)
    {
        if (exeTarget is not null)
            return IsNodeName(Path.GetFileName(exeTarget.EndsWith(" (deleted)", StringComparison.Ordinal) ? exeTarget[..^10] : exeTarget));
        if (commandLine.Count == 0) return false;
        // A rewritten title may put the whole line in argv[0]: only its first word is the program.
        string argv0 = commandLine[0].Split(' ', 2)[0];
        return IsNodeName(Path.GetFileName(argv0));
    }

    private static bool IsNodeName(string name)
    {
        foreach (var stem in (ReadOnlySpan<string>)["nodejs", "node"])
        {
            if (!name.StartsWith(stem, StringComparison.Ordinal)) continue;
            if (name.Length == stem.Length) return true;
            char next = name[stem.Length];
            if ((next == '-' || next == '.') && name.Length > stem.Length + 1 && char.IsAsciiDigit(name[stem.Length + 1])) return true;
        }
        return false;
    }
}
