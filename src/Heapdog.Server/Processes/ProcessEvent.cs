using System.Text.Json;
using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Processes;

/// <summary>One stored event (an exit, an OOM kill, a snapshot); <c>detail</c> is the JSON Heapdog stored with it, or the
/// stored text as a string when it is not JSON (an old or hand-edited store).</summary>
public sealed record ProcessEvent(long Id, long? ProcessId, long TimeMs, string Kind, JsonElement Detail)
{
    public static ProcessEvent Of(StoredEvent e) => new(e.Id, e.ProcessId, e.TimeMs, e.Kind, DetailOf(e.Detail));

    private static JsonElement DetailOf(string detail)
    {
        try
        {
            using var doc = JsonDocument.Parse(detail);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(detail, Hosting.ServerJsonContext.Default.String);
        }
    }
}
