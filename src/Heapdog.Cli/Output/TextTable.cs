using System.Text;

namespace Heapdog.Cli.Output;

/// <summary>An aligned plain-text table: left-aligned text columns, right-aligned numeric columns.</summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    public TextTable(params (string Header, bool RightAligned)[] columns)
    {
        _headers = columns.Select(c => c.Header).ToArray();
        _rightAligned = columns.Select(c => c.RightAligned).ToArray();
    }

    public void AddRow(params string[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"expected {_headers.Length} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells);
    }

    public void Write(TextWriter writer, string indent = "  ")
    {
        var widths = new int[_headers.Length];
        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = _headers[c].Length;
            foreach (var row in _rows) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        WriteRow(writer, indent, _headers, widths);
        var rule = new StringBuilder(indent);
        for (int c = 0; c < widths.Length; c++)
        {
            if (c > 0) rule.Append("  ");
            rule.Append('-', widths[c]);
        }
        writer.WriteLine(rule.ToString());
        foreach (var row in _rows) WriteRow(writer, indent, row, widths);
    }

    private void WriteRow(TextWriter writer, string indent, string[] cells, int[] widths)
    {
        var line = new StringBuilder(indent);
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0) line.Append("  ");
            bool last = c == cells.Length - 1;
            if (_rightAligned[c]) line.Append(cells[c].PadLeft(widths[c]));
            else line.Append(last ? cells[c] : cells[c].PadRight(widths[c]));
        }
        writer.WriteLine(line.ToString().TrimEnd());
    }
}
