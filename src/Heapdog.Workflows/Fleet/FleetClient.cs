using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Heapdog.Monitoring.Fleet;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Json;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// An agent's (and <c>heapdog tokens</c>') side of the server's API: every call outbound, with the token as
/// <c>Authorization: Bearer</c>. A server that cannot be reached, or answers 5xx, is a <see cref="ServerUnreachableException"/>
/// (the agent buffers and retries); a refused token is a <see cref="HeapdogException"/> NotPermitted (the agent stops).
/// </summary>
public sealed class FleetClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _host;

    public FleetClient(Uri server, string token, string host, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = server;
        _http.Timeout = TimeSpan.FromSeconds(120);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("heapdog-agent", "1"));
        _host = host;
        Server = server;
    }

    public Uri Server { get; }

    private string HostQuery => "host=" + Uri.EscapeDataString(_host);

    public Task<BatchOutcome> SendBatchAsync(AgentBatch batch, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/agent/batches", Compact(batch, HeapdogJsonContext.Default.AgentBatch), HeapdogJsonContext.Default.BatchOutcome, ct)!;

    /// <summary>The next job for this host, waiting up to <paramref name="wait"/>; null if none came.</summary>
    public Task<AgentJob?> TakeJobAsync(TimeSpan wait, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"api/agent/jobs?{HostQuery}&wait={(int)wait.TotalSeconds}", null, HeapdogJsonContext.Default.AgentJob, ct);

    public Task UpdateJobAsync(long id, AgentJobUpdate update, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Post, $"api/agent/jobs/{id}?{HostQuery}", Compact(update, HeapdogJsonContext.Default.AgentJobUpdate), null, ct);

    public async Task<long> UploadOffsetAsync(long id, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"api/agent/uploads/{id}?{HostQuery}", null, HeapdogJsonContext.Default.UploadState, ct))!.Offset;

    /// <summary>Sends bytes [<paramref name="offset"/>, +<paramref name="length"/>) of <paramref name="file"/> as one
    /// chunk, streamed from the file (<see cref="FileRangeContent"/>); returns the server's offset after it. A 409 (the
    /// server holds another offset) returns the offset the server holds instead.</summary>
    public async Task<long> UploadChunkAsync(long id, long offset, long total, FileStream file, int length, CancellationToken ct)
    {
        using var content = await FileRangeContent.ReadAsync(file, offset, length, ct);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        try
        {
            return (await SendAsync(HttpMethod.Put, $"api/agent/uploads/{id}?{HostQuery}&offset={offset}&total={total}&sha256={content.Sha256}", content,
                HeapdogJsonContext.Default.UploadState, ct))!.Offset;
        }
        catch (HeapdogException e) when (e.Kind == ErrorKind.OutputExists)
        {
            return await UploadOffsetAsync(id, ct);
        }
    }

    public Task CompleteUploadAsync(long id, long bytes, string sha256, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Post, $"api/agent/uploads/{id}/complete?{HostQuery}&bytes={bytes}&sha256={sha256}", null, null, ct);

    /// <summary>For <c>heapdog tokens</c>: a request with the admin token, its answer's body.</summary>
    public async Task<string> AdminAsync(HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        using var response = await Send(method, path, body, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private static ByteArrayContent Compact<T>(T value, JsonTypeInfo<T> type)
    {
        // Indented is for people; a batch goes on one line.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            JsonSerializer.Serialize(writer, value, type);
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T>? type, CancellationToken ct)
    {
        using var response = await Send(method, path, body, ct);
        if (type is null || response.StatusCode == HttpStatusCode.NoContent) return default;
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct);
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            throw new ServerUnreachableException($"{Server}: unreadable answer to {method} {path.Split('?')[0]}: {e.Message}", e);
        }
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ServerUnreachableException($"{Server}: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            string detail = await ProblemDetail(response, ct);
            throw (int)response.StatusCode switch
            {
                401 or 403 => new HeapdogException(ErrorKind.NotPermitted, $"{Server} refused the token: {detail}"),
                404 => new HeapdogException(ErrorKind.NotFound, detail),
                409 => new HeapdogException(ErrorKind.OutputExists, detail),
                >= 500 => new ServerUnreachableException($"{Server} answered {(int)response.StatusCode}: {detail}"),
                _ => new HeapdogException(ErrorKind.BadRequest, $"{Server} refused {method} {path.Split('?')[0]}: {detail}"),
            };
        }
    }

    /// <summary>The <c>detail</c> of an RFC 9457 problem, else the status line.</summary>
    private static async Task<string> ProblemDetail(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } text) return text;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // Not a problem document: the status says it.
        }
        return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;
    }

    public void Dispose() => _http.Dispose();
}
