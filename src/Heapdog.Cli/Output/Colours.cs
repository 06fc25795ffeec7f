using Heapdog.Leaks;
using Heapdog.Monitoring.Analysis;

namespace Heapdog.Cli.Output;

/// <summary>
/// Severity and verdict colours (plain ANSI SGR codes): only when the text goes to a terminal and <c>NO_COLOR</c>
/// (https://no-color.org, any non-empty value) is not set, and not for <c>TERM=dumb</c>. Redirected output and every
/// <c>--json</c> stay free of escape codes.
/// </summary>
public sealed class Colours(bool enabled)
{
    /// <summary>No colour at all: for writers that are not the console, and tests.</summary>
    public static Colours None { get; } = new(false);

    public bool Enabled { get; } = enabled;

    /// <summary>Colours for stdout, decided from the environment once per run.</summary>
    public static Colours ForConsoleOutput(TextWriter output) =>
        new(ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && Allowed(Environment.GetEnvironmentVariable));

    /// <summary>Whether the environment allows colour on a terminal: no <c>NO_COLOR</c>, no <c>TERM=dumb</c>.</summary>
    public static bool Allowed(Func<string, string?> environment) =>
        string.IsNullOrEmpty(environment("NO_COLOR")) && environment("TERM") != "dumb";

    public string BySeverity(Severity severity, string text) => Paint(text, severity switch
    {
        Severity.High => Red,
        Severity.Medium => Yellow,
        _ => Dim,
    });

    public string ByVerdict(VerdictStatus status, string text) => Paint(text, status switch
    {
        VerdictStatus.Growing => Red,
        VerdictStatus.Noisy => Yellow,
        VerdictStatus.Steady => Green,
        _ => Dim,
    });

    /// <summary>A verdict given by its status's name (<c>growing</c>, as reports write it).</summary>
    public string ByVerdict(string status, string text) =>
        Enum.TryParse<VerdictStatus>(status, ignoreCase: true, out var parsed) ? ByVerdict(parsed, text) : text;

    private const string Red = "\e[1;31m", Yellow = "\e[33m", Green = "\e[32m", Dim = "\e[2m", Reset = "\e[0m";

    private string Paint(string text, string code) => Enabled && text.Length > 0 ? code + text + Reset : text;
}
