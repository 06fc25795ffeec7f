using Heapdog.Workflows.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Hosting;

/// <summary>
/// Every error answer of the API: an RFC 9457 problem (<c>application/problem+json</c>) whose <c>detail</c> is the
/// one-line message, with the same text in <c>error</c> (the field clients read before problems were adopted), and a
/// <c>kind</c>: the <see cref="ErrorKind"/> when there is one, else the kind of its status (<see cref="KindOfStatus"/>).
/// The answers ASP.NET Core makes by itself (no route, wrong method, a query value that does not parse) get the same
/// body through <see cref="Complete"/>.
/// </summary>
public static class Problems
{
    /// <summary>The HTTP status of an anticipated error: the only table from <see cref="ErrorKind"/> to statuses.</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest or ErrorKind.Malformed => StatusCodes.Status400BadRequest,
        ErrorKind.NotPermitted => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound or ErrorKind.NoSuchObject => StatusCodes.Status404NotFound,
        ErrorKind.ProcessUnavailable or ErrorKind.NotComparable or ErrorKind.Refused or ErrorKind.OutputExists => StatusCodes.Status409Conflict,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unsupported => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.OutputFailed => StatusCodes.Status507InsufficientStorage,
        ErrorKind.StoreNotWritable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult Of(HeapdogException e) => Of(StatusOf(e.Kind), e.Message, e.Kind);

    public static ProblemHttpResult Of(int status, string message, ErrorKind? kind = null, IEnumerable<KeyValuePair<string, object?>>? more = null)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = message, ["kind"] = kind is { } k ? KindName(k) : KindOfStatus(status) };
        foreach (var (key, value) in more ?? []) extensions[key] = value;
        return TypedResults.Problem(detail: message, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(string message) => Of(StatusCodes.Status400BadRequest, message, ErrorKind.BadRequest);

    public static ProblemHttpResult NotFound(string message) => Of(StatusCodes.Status404NotFound, message, ErrorKind.NotFound);

    /// <summary><c>noSuchObject</c> for <see cref="ErrorKind.NoSuchObject"/>: the kind as clients may branch on it.</summary>
    public static string KindName(ErrorKind kind)
    {
        string name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>
    /// The kind of an answer that no <see cref="ErrorKind"/> names: HTTP's own refusals (no token, wrong method, wrong
    /// content type), so that every problem carries a <c>kind</c> a client may branch on.
    /// </summary>
    public static string KindOfStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => KindName(ErrorKind.BadRequest),
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => KindName(ErrorKind.NotFound),
        StatusCodes.Status405MethodNotAllowed => "methodNotAllowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => KindName(ErrorKind.TooLarge),
        StatusCodes.Status415UnsupportedMediaType => "unsupportedMediaType",
        StatusCodes.Status422UnprocessableEntity => KindName(ErrorKind.Unsupported),
        < 500 => "badRequest",
        _ => "internal",
    };

    /// <summary>
    /// Completes a problem ASP.NET Core writes by itself (status-code pages: no route, wrong method; a parameter that
    /// does not bind) with what ours carry: a <c>detail</c> naming the request, <c>error</c> and <c>kind</c>.
    /// </summary>
    public static void Complete(ProblemDetails problem, HttpContext context)
    {
        int status = problem.Status ?? context.Response.StatusCode;
        if (string.IsNullOrEmpty(problem.Detail))
        {
            var request = context.Request;
            string allowed = context.Response.Headers.Allow is { Count: > 0 } allow ? $" (allowed: {allow})" : "";
            problem.Detail = status switch
            {
                StatusCodes.Status404NotFound => $"no route {request.Method} {request.Path}",
                StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}{allowed}",
                _ => $"{request.Method} {request.Path}: {problem.Title ?? ReasonPhrases.GetReasonPhrase(status)}",
            };
        }
        problem.Extensions.TryAdd("error", problem.Detail);
        problem.Extensions.TryAdd("kind", KindOfStatus(status));
    }

    /// <summary>Documents (in OpenAPI) the problems every route of <paramref name="group"/> may answer with.</summary>
    public static RouteGroupBuilder WithProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status500InternalServerError);
}
