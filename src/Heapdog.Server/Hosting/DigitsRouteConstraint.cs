using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Hosting;

/// <summary>
/// <c>{id:digits}</c>: ASCII digits only, that fit a <see cref="long"/>. The built-in <c>{id:long}</c> parses with the
/// invariant culture's leniency, so <c>/api/snapshots/%20%31</c> would be snapshot 1; here it matches no route (a 404).
/// </summary>
public sealed class DigitsRouteConstraint : IRouteConstraint
{
    public const string Name = "digits";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out object? value) && IsId(Convert.ToString(value, CultureInfo.InvariantCulture));

    /// <summary>Whether <paramref name="text"/> is a non-empty run of ASCII digits within <see cref="long"/>.</summary>
    public static bool IsId(string? text) =>
        text is { Length: > 0 } && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
