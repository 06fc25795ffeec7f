namespace Heapdog.Workflows.Sources;

/// <summary>
/// A script's source and where its lines start, to turn V8's 1-based line and column (UTF-16 units, as V8 counts) into
/// an offset and back. Lines end as JavaScript's do: at LF, CR, CRLF, U+2028 and U+2029.
/// </summary>
public sealed class ScriptText
{
    private readonly int[] _lineStarts;

    public ScriptText(string text)
    {
        Text = text;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            else if (c is not ('\n' or '\r' or '\u2028' or '\u2029')) continue;
            starts.Add(i + 1);
        }
        _lineStarts = [.. starts];
    }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>The offset of 1-based (<paramref name="line"/>, <paramref name="column"/>); null when the line is not in
    /// the text or the column is past its end (the file is not the one V8 ran).</summary>
    public int? OffsetOf(int line, int column)
    {
        if (line < 1 || line > _lineStarts.Length || column < 1) return null;
        int offset = _lineStarts[line - 1] + column - 1;
        return offset <= LineEnd(line - 1) ? offset : null;
    }

    /// <summary>The 1-based line and column of <paramref name="offset"/>.</summary>
    public (int Line, int Column) PositionOf(int offset)
    {
        int index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }

    /// <summary>The text of 1-based <paramref name="line"/>, without its line break.</summary>
    public string Line(int line) => Text[_lineStarts[line - 1]..LineEnd(line - 1)];

    private int LineEnd(int index)
    {
        int end = index + 1 < _lineStarts.Length ? _lineStarts[index + 1] : Text.Length;
        while (end > _lineStarts[index] && Text[end - 1] is '\n' or '\r' or '\u2028' or '\u2029') end--;
        return end;
    }
}
