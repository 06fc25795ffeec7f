using System.Text.Json.Serialization.Metadata;
using System.Text.Json;

namespace Heapdog.Workflows.Json;

/// <summary>Writes a report as the one indented JSON document its <c>--json</c> prints.</summary>
public static class ReportJson
{
    public static void Write<T>(TextWriter output, T value, JsonTypeInfo<T> type)
    {
        output.Write(JsonSerializer.Serialize(value, type));
        output.WriteLine();
    }

    public static string Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    /// <summary>The same contract on one line, for answers read by programs that pay per token (MCP).</summary>
    public static string SerializeCompact<T>(T value) =>
        JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Compact.GetTypeInfo(typeof(T)));

    private static readonly JsonSerializerOptions Compact = new(HeapdogJsonContext.Default.Options) { WriteIndented = false };
}
