using System.Text.Json;
using Heapdog.Cli.Output;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// What <c>hunt</c> does with the snapshots it captured. To be replaced by the <c>heapdog leaks</c> report (same
/// <c>--json</c> shape); until then it lists the captured files.
/// </summary>
public static class HuntAnalysis
{
    public static async Task<int> RunAsync(IReadOnlyList<string> snapshotPaths, bool json, CliContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartArray("snapshots");
                foreach (var path in snapshotPaths)
                {
                    w.WriteStartObject();
                    w.WriteString("path", path);
                    w.WriteNumber("bytes", new FileInfo(path).Length);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            await context.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        else
        {
            await context.Out.WriteLineAsync($"Captured {snapshotPaths.Count} snapshots:");
            foreach (var path in snapshotPaths)
                await context.Out.WriteLineAsync($"  {path} ({Format.Size(new FileInfo(path).Length)})");
        }
        return ExitCodes.Success;
    }
}
