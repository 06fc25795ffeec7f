using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Heapdog.Processes;

/// <summary>
/// Lists pm2 apps by running <c>pm2 jlist</c>. pm2 is optional: <see cref="ListAsync"/> returns null when it is not on
/// PATH, fails, or prints no JSON, so callers can say "pm2 not found" and go on.
/// </summary>
public static class Pm2Client
{
    /// <summary>True when an executable named pm2 is on PATH.</summary>
    public static bool IsInstalled() => FindOnPath("pm2") is not null;

    public static async Task<IReadOnlyList<Pm2App>?> ListAsync(CancellationToken ct = default)
    {
        var exe = FindOnPath("pm2");
        if (exe is null) return null;
        var psi = new ProcessStartInfo(exe, "jlist") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi);
        if (process is null) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 ? Parse(await stdout) : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
    }

    /// <summary>Parses <c>pm2 jlist</c> output (text before the JSON array, such as pm2's update notices, is skipped);
    /// null when there is no well-formed array. Entries missing a name or pm_id are skipped.</summary>
    public static IReadOnlyList<Pm2App>? Parse(string output)
    {
        int start = output.IndexOf('[');
        if (start < 0) return null;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(output.AsMemory(start)); }
        catch (JsonException) { return null; }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
            var apps = new List<Pm2App>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || Str(e, "name") is not { } name || Num(e, "pm_id") is not { } pmId) continue;
                var monit = e.TryGetProperty("monit", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
                var env = e.TryGetProperty("pm2_env", out var pe) && pe.ValueKind == JsonValueKind.Object ? pe : default;
                apps.Add(new Pm2App(
                    (int)pmId,
                    name,
                    (int)(Num(e, "pid") ?? 0),
                    Str(env, "status") ?? "unknown",
                    (long)(Num(monit, "memory") ?? 0),
                    Num(monit, "cpu") ?? 0,
                    (int)(Num(env, "restart_time") ?? 0),
                    (int)(Num(env, "unstable_restarts") ?? 0),
                    Num(env, "pm_uptime") is { } ms && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null,
                    Num(env, "exit_code") is { } code ? (int)code : null,
                    Num(env, "max_memory_restart") is { } max && max > 0 ? (long)max : null));
            }
            return apps;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A number, or a numeric string (pm2 writes some fields either way).</summary>
    private static double? Num(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        return null;
    }

    internal static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
