using System.Text.Json;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>
/// The dashboard on a store that stops taking writes, on a real tmpfs that fills up: it keeps serving what the store
/// holds, says so in <c>/api/health</c>, and records samples again once there is space.
/// </summary>
public sealed class StoreFaultTests
{
    [TmpfsFact]
    public async Task Serve_StoreDiskFills_KeepsServingReadsHealthSaysNotWritableAndResumes()
    {
        using var target = NodeProgram.Inline("console.log('ready'); setInterval(() => {}, 1000);");
        await target.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        await using var server = await DashboardApplication.StartAsync(disk.Path, target.Pid, interval: TimeSpan.FromMilliseconds(200));

        var health = await server.GetJsonAsync("api/health");
        health.GetProperty("store").GetProperty("writable").GetBoolean().ShouldBeTrue();
        var processes = await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1 && p[0].GetProperty("last").ValueKind == JsonValueKind.Object);
        long id = processes[0].GetProperty("id").GetInt64();

        disk.Fill();
        health = await server.WaitForAsync("api/health", h => !h.GetProperty("store").GetProperty("writable").GetBoolean(), TimeSpan.FromSeconds(30));
        var store = health.GetProperty("store");
        store.GetProperty("reason").GetString().ShouldBe("disk full");
        store.GetProperty("sinceMs").GetInt64().ShouldBeGreaterThan(0);
        store.GetProperty("message").GetString().ShouldBe($"cannot write store {disk.File("store.db")}: disk full (no space left on the device)");

        // Reads go on: the process list, its stored samples.
        (await server.GetJsonAsync("api/processes")).GetArrayLength().ShouldBe(1);
        long stored = (await server.GetJsonAsync($"api/processes/{id}/samples?points=5000")).GetProperty("points").GetInt32();
        stored.ShouldBeGreaterThan(0);

        disk.Empty();
        await server.WaitForAsync("api/health", h => h.GetProperty("store").GetProperty("writable").GetBoolean(), TimeSpan.FromSeconds(60));
        health = await server.GetJsonAsync("api/health");
        health.GetProperty("store").GetProperty("reason").ValueKind.ShouldBe(JsonValueKind.Null);
        await server.WaitForAsync($"api/processes/{id}/samples?points=5000", s => s.GetProperty("points").GetInt32() > stored, TimeSpan.FromSeconds(30));
    }
}
