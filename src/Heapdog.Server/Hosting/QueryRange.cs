using System.Globalization;
using Heapdog.Workflows.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Heapdog.Server.Hosting;

/// <summary>
/// The values a query parameter may take, declared where its route is mapped (<see cref="QueryRanges.InRange"/>,
/// <see cref="QueryRanges.DurationInRange"/>) and checked before the handler runs: a value out of range is a 400 that
/// names the parameter and its range, never an exception from deep in a workflow (a 99999-day interval reaching
/// <c>Task.Delay</c>). The OpenAPI document shows the range too. A duration's bounds are in milliseconds.
/// </summary>
public sealed record QueryRange(string Name, long Min, long Max, bool IsDuration = false)
{
    /// <summary>The range as the error message and the OpenAPI description say it.</summary>
    public string Allowed => IsDuration
        ? $"from {Short(Min)} to {Short(Max)}"
        : $"from {Min.ToString(CultureInfo.InvariantCulture)} to {Max.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The problem for <paramref name="text"/>, or null when it is in range. A number that does not parse
    /// was refused when the parameter was bound; a duration that does not parse is refused here.</summary>
    public ProblemHttpResult? Check(string text)
    {
        long value;
        if (IsDuration)
        {
            if (!DurationText.TryParse(text, out var duration))
                return Refuse(text, $"{Name} must be a duration such as 500ms, 30s, 2m or 1h, {Allowed}, got '{text}'");
            value = (long)duration.TotalMilliseconds;
        }
        else if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return null;
        }
        return value < Min || value > Max ? Refuse(text, $"{Name} must be {Allowed}, got {text}") : null;
    }

    /// <summary>A duration as users write it: <c>100ms</c>, <c>30s</c>, <c>10m</c>, <c>1h</c>.</summary>
    private static string Short(long ms) =>
        ms % 3_600_000 == 0 ? $"{ms / 3_600_000}h" : ms % 60_000 == 0 ? $"{ms / 60_000}m" : ms % 1000 == 0 ? $"{ms / 1000}s" : $"{ms}ms";

    private ProblemHttpResult Refuse(string text, string message) =>
        Problems.Of(StatusCodes.Status400BadRequest, message, Workflows.Errors.ErrorKind.BadRequest,
            [new("parameter", Name), new("allowed", Allowed), new("value", text)]);
}
