using System.Globalization;
using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Snapshots;

/// <summary>Object ids as users type them (<c>@2231</c> or <c>2231</c>), resolved to node ordinals.</summary>
public static class ObjectId
{
    public static uint Parse(string text)
    {
        string digits = text.StartsWith('@') ? text[1..] : text;
        if (!uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            throw new HeapdogException(ErrorKind.BadRequest, $"'{text}' is not an object id (expected @123 or 123)");
        return id;
    }

    public static int Resolve(SnapshotAnalysis analysis, string text, string file)
    {
        uint id = Parse(text);
        int v = analysis.FindById(id);
        if (v < 0) throw new HeapdogException(ErrorKind.NoSuchObject, $"'{file}' has no object @{id}");
        return v;
    }
}
