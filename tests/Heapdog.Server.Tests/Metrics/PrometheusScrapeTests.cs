using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Heapdog.Server.Tests.Hosting;

namespace Heapdog.Server.Tests.Metrics;

/// <summary><c>/metrics</c> scraped as it is by a real Prometheus (Debian's package), then queried back.</summary>
public sealed class PrometheusScrapeTests
{
    private const string Prometheus = "/usr/bin/prometheus";

    [Fact]
    public async Task Metrics_ScrapedByPrometheus_QueryableWithPidAndAppLabels()
    {
        File.Exists(Prometheus).ShouldBeTrue("Prometheus is needed for this test: apt-get install prometheus (.ci/run does)");
        using var target = new NodeProgram("healthy-service.js", flags: ["--inspect-port=0"]);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(500));
        int promPort = LoopbackPort.Free();
        string config = dir.File("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: heapdog
                static_configs:
                  - targets: ["{server.BaseAddress.Authority}"]
                authorization:
                  credentials: "{server.Token}"
            """);
        var start = new ProcessStartInfo(Prometheus)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={dir.File("tsdb")}", $"--web.listen-address=127.0.0.1:{promPort}" })
            start.ArgumentList.Add(a);
        using var prometheus = Process.Start(start)!;
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{promPort}/"), Timeout = TimeSpan.FromSeconds(10) };
            var clock = Stopwatch.StartNew();
            JsonElement result = default;
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(1000);
                try
                {
                    string body = await http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString("process_resident_memory_bytes{job=\"heapdog\"}"));
                    result = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
                    if (result.GetArrayLength() > 0) break;
                }
                catch (HttpRequestException) { /* Prometheus still starting */ }
            }
            result.ValueKind.ShouldBe(JsonValueKind.Array);
            var series = result.EnumerateArray().ShouldHaveSingleItem();
            series.GetProperty("metric").GetProperty("pid").GetString().ShouldBe(target.Pid.ToString(CultureInfo.InvariantCulture));
            series.GetProperty("metric").GetProperty("app").GetString().ShouldBe("node");
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(1 << 20);

            // Every target healthy: Prometheus parsed the whole exposition without error.
            string targets = await http.GetStringAsync("api/v1/targets");
            var active = JsonDocument.Parse(targets).RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ShouldHaveSingleItem();
            active.GetProperty("health").GetString().ShouldBe("up", active.GetProperty("lastError").GetString());
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit(10_000);
        }
    }
}
