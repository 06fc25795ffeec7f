using System.CommandLine;
using Heapdog.Workflows.Capture;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>--force</c> means one thing everywhere: replace an output file that exists. <c>snapshot</c> and <c>sample</c>
/// called that <c>--overwrite</c>, which still works with a deprecation line; <c>snapshot --force</c> used to skip the
/// headroom check (now <c>--ignore-headroom</c>) and still does, with a deprecation line when that check would have
/// refused (docs/cli.md, "--force").
/// </summary>
internal static class OverwriteOption
{
    public static Option<bool> Create(string description) => new("--force") { Description = description };

    /// <summary>The old spelling, left out of the help.</summary>
    public static Option<bool> Deprecated() => new("--overwrite") { Description = "Deprecated: --force", Hidden = true };

    /// <summary>Whether to replace the output, saying so when the old spelling was used.</summary>
    public static bool Read(ParseResult parse, Option<bool> force, Option<bool> overwrite, CliContext context)
    {
        if (!parse.GetValue(overwrite)) return parse.GetValue(force);
        context.Notice("warning: --overwrite is deprecated, use --force (it means the same)");
        return true;
    }

    /// <summary>How a headroom refusal that was lifted names its override: the new option, or --force with its successor.</summary>
    public static string HeadroomOverride(ParseResult parse, Option<bool> ignoreHeadroom) =>
        parse.GetValue(ignoreHeadroom) ? SnapshotCapture.IgnoreHeadroom
            : $"--force; deprecated for this: use {SnapshotCapture.IgnoreHeadroom}, --force will only mean overwrite";
}
