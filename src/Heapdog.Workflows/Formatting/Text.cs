namespace Heapdog.Workflows.Formatting;

/// <summary>Small text helpers for terminal output.</summary>
public static class Text
{
    /// <summary>One line of at most <paramref name="max"/> characters, an ellipsis marking a cut.</summary>
    public static string Truncate(string text, int max)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }
}
