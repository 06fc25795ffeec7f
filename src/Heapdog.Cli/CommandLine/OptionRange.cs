using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// The allowed range of every numeric and duration option, checked while the command line is parsed: a value out of
/// range (or too large to be a number at all) is a parse error, so the command exits 2 with one line before any work,
/// "--top must be between 0 and 1000000, got 100000000000". Never a raw overflow or out-of-range exception later.
/// </summary>
public static class OptionRange
{
    /// <summary>Counts that list things (<c>--top</c>, <c>--limit</c>): 0 means all; more than this is a mistake.</summary>
    public const int MaxListed = 1_000_000;

    /// <summary>The longest wait a timer takes (Task.Delay's limit is about 49 days).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(30);

    /// <summary>Accepts only whole numbers from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static T InRange<T>(this T option, long min, long max) where T : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!long.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) || v < min || v > max)
                {
                    result.AddError($"{option.Name} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got '{token.Value}'");
                    return;
                }
            }
        });
        // The number's own parser would otherwise speak first, without the range.
        if (option is Option<int> i) i.CustomParser = r => ParseOrZero<int>(r);
        else if (option is Option<int?> ni) ni.CustomParser = r => r.Tokens.Count == 0 ? null : ParseOrZero<int>(r);
        else if (option is Option<long> l) l.CustomParser = r => ParseOrZero<long>(r);
        else if (option is Option<int[]> many) many.CustomParser = r => [.. r.Tokens.Select(t => int.TryParse(t.Value, CultureInfo.InvariantCulture, out int v) ? v : 0)];
        return option;
    }

    private static TNumber ParseOrZero<TNumber>(ArgumentResult r) where TNumber : struct, IBinaryInteger<TNumber> =>
        r.Tokens.Count > 0 && TNumber.TryParse(r.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : TNumber.Zero;

    /// <summary>A duration option (<see cref="DurationText"/>) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, TimeSpan> Duration(string name, TimeSpan min, TimeSpan max) => result =>
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (DurationText.TryParse(token, out var value) && value >= min && value <= max) return value;
        result.AddError(DurationMessage(name, min, max, token));
        return min;
    };

    /// <summary>The same check for a duration given as text and parsed in the command (<c>hunt --interval</c>).</summary>
    public static T DurationInRange<T>(this T option, TimeSpan min, TimeSpan max) where T : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!DurationText.TryParse(token.Value, out var value) || value < min || value > max)
                {
                    result.AddError(DurationMessage(option.Name, min, max, token.Value));
                    return;
                }
        });
        return option;
    }

    private static string DurationMessage(string name, TimeSpan min, TimeSpan max, string token) =>
        $"{name} must be a duration between {DurationText.Format(min)} and {DurationText.Format(max)} (e.g. 500ms, 30s, 5m, 1h), got '{token}'";
}
