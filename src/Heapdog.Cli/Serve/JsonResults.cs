using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Serve;

/// <summary>The JSON answers of the API: written with <see cref="Utf8JsonWriter"/> into a buffer (Kestrel forbids
/// synchronous writes to the response), errors as <c>{"error": …}</c>.</summary>
public static class JsonResults
{
    public static IResult Of(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return new Body(buffer.WrittenMemory.ToArray(), status);
    }

    public static IResult Raw(string json, int status = StatusCodes.Status200OK) =>
        Results.Text(json, "application/json", Encoding.UTF8, status);

    public static IResult Error(int status, string message, Action<Utf8JsonWriter>? more = null) => Of(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        more?.Invoke(w);
        w.WriteEndObject();
    }, status);

    /// <summary>Runs a command's report into a string, as <c>--json</c> would print it; an anticipated failure becomes
    /// the status its exit code stands for.</summary>
    public static IResult FromCommand(Func<CliContext, int> report)
    {
        var output = new StringWriter();
        try
        {
            report(new CliContext(output, TextWriter.Null));
        }
        catch (HeapdogException e)
        {
            return Error(StatusOf(e.ExitCode), e.Message);
        }
        return Raw(output.ToString());
    }

    public static int StatusOf(int exitCode) => exitCode switch
    {
        ExitCodes.Usage => StatusCodes.Status400BadRequest,
        ExitCodes.InputNotFound => StatusCodes.Status404NotFound,
        ExitCodes.BadInput => StatusCodes.Status404NotFound,
        ExitCodes.Unsupported => StatusCodes.Status422UnprocessableEntity,
        ExitCodes.TargetUnavailable => StatusCodes.Status409Conflict,
        ExitCodes.Refused => StatusCodes.Status409Conflict,
        ExitCodes.NotComparable => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

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
