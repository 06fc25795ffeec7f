namespace Heapdog.Snapshot.Analysis;

public sealed partial class SnapshotAnalysis
{
    /// <summary>
    /// Sums shallow sizes (after the transfer) by kind. Native includes <c>extra_native_bytes</c>; typed arrays are the
    /// <c>system / JSArrayBufferData</c> natives; JS arrays are <c>Array</c> objects plus their <c>elements</c> store
    /// when that store has a single retainer; V8 heap is the total minus native.
    /// </summary>
    private SnapshotStatistics ComputeStatistics()
    {
        var s = Snapshot;
        var strings = s.Strings;
        var sizes = s.SelfSizes;
        var types = s.NodeTypes;
        var names = s.NodeNames;
        int bufferData = Known.JSArrayBufferData;
        int arrayName = Known.Array;
        int elementsName = Known.Elements;
        long native = s.Meta.ExtraNativeBytes, typedArrays = 0, code = 0, stringBytes = 0, jsArrays = 0, system = 0;
        for (int v = 0; v < s.NodeCount; v++)
        {
            long size = sizes[v];
            int t = types[v];
            if (t == _types.Hidden) { system += size; continue; }
            if (t == _types.Native)
            {
                native += size;
                if (names[v] == bufferData) typedArrays += size;
            }
            else if (t == _types.Code) code += size;
            else if (t == _types.ConsString || t == _types.SlicedString || t == _types.String) stringBytes += size;
            else if (names[v] == arrayName && arrayName >= 0) jsArrays += ArraySize(v, elementsName);
        }
        long total = TotalSize;
        return new SnapshotStatistics(total, total - native, native, code, stringBytes, jsArrays, typedArrays, system);
    }

    /// <summary>DevTools' calculateArraySize: the array plus its first internal <c>elements</c> store if singly retained.</summary>
    private long ArraySize(int v, int elementsName)
    {
        var s = Snapshot;
        long size = s.SelfSizes[v];
        for (int e = s.FirstEdge[v]; e < s.FirstEdge[v + 1]; e++)
        {
            if (s.EdgeTypes[e] != _types.EdgeInternal || s.EdgeNames[e] != elementsName) continue;
            int elements = s.EdgeTargets[e];
            if (Retainers.CountOf(elements) == 1) size += s.SelfSizes[elements];
            break;
        }
        return size;
    }
}
