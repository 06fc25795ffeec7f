using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Oom;

/// <summary>
/// Where OOM deaths are found: the kernel ring buffer (<c>dmesg</c>), the journal (<c>journalctl -k</c>), the syslog
/// files (<c>/var/log/kern.log</c>, <c>/var/log/messages</c>), or files the user names. A source that cannot be read
/// yields a one-line note, never an error: the others are still read.
/// </summary>
public static class OomSources
{
    public sealed record SourceRead(OomParseResult? Result, string? Note);

    public static readonly string[] SyslogFiles = ["/var/log/kern.log", "/var/log/messages"];

    /// <summary>Reads every kernel source available on this host.</summary>
    public static async Task<IReadOnlyList<SourceRead>> ReadKernelAsync(DateTimeOffset? since, CancellationToken ct)
    {
        var reads = new List<SourceRead>();
        DateTimeOffset? boot = ProcessReader.BootTime == DateTimeOffset.UnixEpoch ? null : ProcessReader.BootTime;
        reads.Add(await RunAsync("dmesg", ["dmesg"], boot, ct));
        if (ExecutableSearch.Find("journalctl") is not null)
        {
            var args = new List<string> { "journalctl", "-k", "--no-pager", "-o", "short-iso" };
            if (since is { } s) args.AddRange(["--since", "@" + s.ToUnixTimeSeconds()]);
            reads.Add(await RunAsync("journalctl -k", [.. args], boot, ct));
        }
        foreach (var file in SyslogFiles)
            if (File.Exists(file)) reads.Add(ReadFile(file));
        return reads;
    }

    /// <summary>Reads a log file of any supported kind (detected by content).</summary>
    public static SourceRead ReadFile(string path)
    {
        try
        {
            var parser = new OomLogParser(path);
            using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            while (reader.ReadLine() is { } line) parser.Feed(line);
            return new SourceRead(parser.Finish(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SourceRead(null, $"cannot read {path}: {e.Message}");
        }
    }

    private static async Task<SourceRead> RunAsync(string name, string[] command, DateTimeOffset? boot, CancellationToken ct)
    {
        if (ExecutableSearch.Find(command[0]) is not { } exe) return new SourceRead(null, $"{name}: not installed");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            var parser = new OomLogParser(name, boot);
            var stderr = p.StandardError.ReadToEndAsync(limit.Token);
            while (await p.StandardOutput.ReadLineAsync(limit.Token) is { } line) parser.Feed(line);
            await p.WaitForExitAsync(limit.Token);
            var err = (await stderr).Trim();
            if (p.ExitCode != 0)
                return new SourceRead(null, $"cannot read the kernel log with {name}: {(err.Length > 0 ? err.Split('\n')[0] : "exit code " + p.ExitCode)}"
                    + (err.Contains("not permitted", StringComparison.OrdinalIgnoreCase) ? " (run as root, or pass --log /var/log/kern.log)" : ""));
            return new SourceRead(parser.Finish(), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SourceRead(null, $"{name}: gave no answer within 30 s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new SourceRead(null, $"{name}: {e.Message}");
        }
    }

    /// <summary>Drops the copies of a kill that several sources report (dmesg and the journal hold the same lines).
    /// Two events are one when kind, pid and name agree and their times are within 10 s (or either has no time).</summary>
    public static List<OomEvent> Deduplicate(IEnumerable<OomEvent> events)
    {
        var kept = new List<OomEvent>();
        foreach (var e in events)
        {
            bool duplicate = false;
            foreach (var k in kept)
            {
                if (k.Kind != e.Kind || k.Pid != e.Pid || k.Pid is null || k.Name != e.Name) continue;
                if (k.Time is { } a && e.Time is { } b && Math.Abs((a - b).TotalSeconds) > 10) continue;
                if (k.Time is null && e.Time is null && k.UptimeSeconds != e.UptimeSeconds) continue;
                duplicate = true;
                k.Time ??= e.Time;
                break;
            }
            if (!duplicate) kept.Add(e);
        }
        return kept;
    }
}
