using Heapdog.Workflows.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Hosting;

/// <summary>
/// Every error answer of the API: an RFC 9457 problem (<c>application/problem+json</c>) whose <c>detail</c> is the
/// one-line message, with the same text in <c>error</c> (the field clients read before problems were adopted).
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
        var extensions = new Dictionary<string, object?> { ["error"] = message };
        if (kind is { } k) extensions["kind"] = KindName(k);
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

    /// <summary>Documents (in OpenAPI) the problems every route of <paramref name="group"/> may answer with.</summary>
    public static RouteGroupBuilder WithProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status500InternalServerError);
}
