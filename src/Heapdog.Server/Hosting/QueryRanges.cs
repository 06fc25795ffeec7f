using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Heapdog.Server.Hosting;

/// <summary>Declares the <see cref="QueryRange"/> of a route's query parameters.</summary>
public static class QueryRanges
{
    public static RouteHandlerBuilder InRange(this RouteHandlerBuilder route, string name, long min, long max) =>
        route.Declare(new QueryRange(name, min, max));

    public static RouteHandlerBuilder DurationInRange(this RouteHandlerBuilder route, string name, TimeSpan min, TimeSpan max) =>
        route.Declare(new QueryRange(name, (long)min.TotalMilliseconds, (long)max.TotalMilliseconds, IsDuration: true));

    private static RouteHandlerBuilder Declare(this RouteHandlerBuilder route, QueryRange range) => route
        .WithMetadata(range)
        .AddEndpointFilter(async (context, next) =>
        {
            foreach (string? text in context.HttpContext.Request.Query[range.Name])
                if (text is not null && range.Check(text) is { } problem)
                    return problem;
            return await next(context);
        })
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == range.Name) is OpenApiParameter parameter)
            {
                parameter.Description = (parameter.Description is { Length: > 0 } d ? d + "; " : "") + range.Allowed;
                if (!range.IsDuration && parameter.Schema is OpenApiSchema schema)
                {
                    schema.Minimum = range.Min.ToString(CultureInfo.InvariantCulture);
                    schema.Maximum = range.Max.ToString(CultureInfo.InvariantCulture);
                }
            }
            return Task.CompletedTask;
        });
}
