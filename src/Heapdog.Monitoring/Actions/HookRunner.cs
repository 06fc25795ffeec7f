using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Heapdog.Monitoring.Actions;

/// <summary>Runs hooks. A hook that fails or times out is reported as one line and never stops the watch.</summary>
public sealed class HookRunner(TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = timeout };

    /// <summary>Runs <paramref name="hook"/> with the event JSON. Returns null on success, else why it failed.</summary>
    public async Task<string?> RunAsync(Hook hook, string eventName, string json, IReadOnlyDictionary<string, string> variables, CancellationToken ct)
    {
        try
        {
            if (hook.Webhook is { } url)
            {
                using var content = new StringContent(json, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _http.PostAsync(url, content, ct);
                return response.IsSuccessStatusCode ? null : $"webhook {url} answered {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            return await RunCommandAsync(hook.Command!, eventName, json, variables, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.ComponentModel.Win32Exception)
        {
            if (ct.IsCancellationRequested) throw;
            return $"{(hook.Webhook is not null ? "webhook " + hook.Webhook : "command")} failed: {e.Message}";
        }
    }

    private async Task<string?> RunCommandAsync(string command, string eventName, string json, IReadOnlyDictionary<string, string> variables, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["HEAPDOG_EVENT"] = eventName;
        foreach (var (k, v) in variables) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.StandardInput.WriteAsync(json);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The command need not read its stdin.
            }
            await process.WaitForExitAsync(limit.Token);
            await Task.WhenAll(stdout, stderr);
            if (process.ExitCode == 0) return null;
            string err = (await stderr).Trim();
            return $"hook command exited with {process.ExitCode}{(err.Length > 0 ? ": " + err.Split('\n')[0] : "")}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return $"hook command timed out after {timeout.TotalSeconds:0} s and was killed";
        }
    }

    public void Dispose() => _http.Dispose();
}
