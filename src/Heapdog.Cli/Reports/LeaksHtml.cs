using Heapdog.Leaks;

namespace Heapdog.Cli.Reports;

/// <summary>Placeholder until the HTML report lands.</summary>
public static class LeaksHtml
{
    public static void Write(LeakReport report, TextWriter writer) => writer.Write("");
}
