using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.RegularExpressions;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// The help, with duration defaults as users type them (<c>[default: 5s]</c>, <c>[default: 10m]</c>) rather than as
/// .NET prints a TimeSpan (<c>00:00:05</c>). System.CommandLine's help builder cannot be customised from outside, so
/// its text is rewritten.
/// </summary>
public static partial class HelpDefaults
{
    public static bool IsHelp(ParseResult parse) => parse.Action is HelpAction;

    /// <summary>Runs the help of <paramref name="parse"/> and writes it to <paramref name="output"/>.</summary>
    public static int Write(ParseResult parse, TextWriter output)
    {
        var text = new StringWriter();
        int code = parse.Invoke(new InvocationConfiguration { Output = text, Error = text });
        output.Write(Rewrite(text.ToString()));
        return code;
    }

    public static string Rewrite(string help) => TimeSpanDefault().Replace(help, m =>
        TimeSpan.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var value) ? $"[default: {DurationText.Format(value)}]" : m.Value);

    [GeneratedRegex(@"\[default: ((?:\d+\.)?\d{2}:\d{2}:\d{2}(?:\.\d+)?)\]")]
    private static partial Regex TimeSpanDefault();
}
