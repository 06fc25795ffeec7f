using System.Text.Json;
using System.Text;
using Heapdog.Cli.Rendering;
using Heapdog.Server.Hosting;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Reports.Watch;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.Output;

/// <summary>Writes one indented JSON document to a text writer.</summary>
public static class Json
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            write(w);
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.WriteLine();
    }
}
