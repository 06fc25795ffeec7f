using System.Buffers;
using System.Text.Json;
using Heapdog.Server.Actions;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Hosting;

/// <summary>JSON answers written with <see cref="Utf8JsonWriter"/> into a buffer (Kestrel forbids synchronous writes
/// to the response).</summary>
public static class JsonResults
{
    public static IResult Of(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return new Body(buffer.WrittenMemory.ToArray(), status);
    }

    private sealed class Body(byte[] json, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = json.Length;
            return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
        }
    }
}
