using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// Reads an event's detail as today's writers write it. Stores written before <c>bytes</c> became a number hold
/// <c>"bytes":"123"</c> in the watcher's <see cref="EventKind.Snapshot"/> events; those come back with the number, so
/// every reader (the API, <c>heapdog oom</c>) sees one type.
/// </summary>
internal static class EventDetail
{
    public static string Upgrade(string kind, string detail)
    {
        if (kind != EventKind.Snapshot || !detail.Contains("\"bytes\":\"", StringComparison.Ordinal)) return detail;
        try
        {
            if (JsonNode.Parse(detail) is not JsonObject o
                || o["bytes"] is not JsonValue v || !v.TryGetValue(out string? text)
                || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes))
                return detail;
            o["bytes"] = bytes;
            return o.ToJsonString();
        }
        catch (JsonException)
        {
            return detail; // not JSON (a hand-edited store): the API passes it on as a string
        }
    }
}
