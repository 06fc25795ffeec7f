using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.CommandLine;

/// <summary>Duration options (<see cref="DurationText"/>) for System.CommandLine.</summary>
public static class DurationArgument
{
    /// <summary>An option value parser that reports a one-line error for bad text.</summary>
    public static TimeSpan Parse(System.CommandLine.Parsing.ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationText.TryParse(token, out var value) && value > TimeSpan.Zero) return value;
        result.AddError($"'{token}' is not a duration: use a number with a unit, e.g. 500ms, 30s, 5m, 1h");
        return TimeSpan.Zero;
    }
}
