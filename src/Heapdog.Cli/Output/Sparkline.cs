namespace Heapdog.Cli.Output;

/// <summary>A row of block characters showing a series' shape, scaled between its own minimum and maximum.</summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    public static string Render(ReadOnlySpan<long> values)
    {
        if (values.Length == 0) return "";
        long min = long.MaxValue, max = long.MinValue;
        foreach (var v in values) { if (v < min) min = v; if (v > max) max = v; }
        var chars = new char[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int level = max == min ? 0 : (int)((values[i] - min) * (Blocks.Length - 1) / (max - min));
            chars[i] = Blocks[level];
        }
        return new string(chars);
    }
}
