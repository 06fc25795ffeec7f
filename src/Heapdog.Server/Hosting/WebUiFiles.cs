using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Hosting;

/// <summary>
/// Serves the web UI embedded in Heapdog.Server.dll (resources named <c>wwwroot/…</c>, built from web/ by the project's own
/// build). Any path that is not a file, the API or the metrics gets index.html: the UI routes on the URL's hash.
/// Hashed bundle files are cached for good; index.html never, so a new build shows at once.
/// </summary>
public static class WebUiFiles
{
    private const string Prefix = "wwwroot/";
    private static readonly Assembly Self = typeof(WebUiFiles).Assembly;
    private static readonly HashSet<string> Names = [.. Self.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))];

    public static bool Available => Names.Contains(Prefix + "index.html");

    // GET and HEAD only: another method on a path no route has is a 405 (a problem, by status-code pages), not the UI.
    public static void Map(WebApplication app) =>
        app.MapFallback("{*path}", async context =>
        {
            string path = context.Request.Path.Value?.TrimStart('/') ?? "";
            if (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("openapi/", StringComparison.Ordinal) || path == "metrics")
            {
                await Problems.NotFound($"no route {context.Request.Method} /{path}").ExecuteAsync(context);
                return;
            }
            string name = Prefix + path;
            bool asset = path.Length > 0 && Names.Contains(name);
            if (!asset) name = Prefix + "index.html";
            await using var stream = Self.GetManifestResourceStream(name);
            if (stream is null)
            {
                await Problems.NotFound("this build of heapdog has no web UI (web/ was not built)").ExecuteAsync(context);
                return;
            }
            context.Response.ContentType = ContentType(name);
            context.Response.Headers.CacheControl = asset && path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}
