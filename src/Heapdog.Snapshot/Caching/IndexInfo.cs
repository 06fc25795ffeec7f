using System.Runtime.InteropServices;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// The index's small first section: counts, flags, the snapshot's meta, statistics and the class table. Text is
/// stored as UTF-16 code units, so names with lone surrogates come back exactly.
/// </summary>
internal sealed record IndexInfo(
    int NodeCount,
    int EdgeCount,
    long FileSize,
    bool ShallowSizesTransferred,
    bool HasTraceNodeIds,
    bool HasDetachedness,
    SnapshotMeta Meta,
    int StringCount,
    int StringChunkCount,
    int LocationCount,
    SnapshotStatistics Statistics,
    List<HeapClass> Classes)
{
    public static byte[] Encode(SnapshotAnalysis analysis)
    {
        var s = analysis.Snapshot;
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(s.NodeCount);
            w.Write(s.EdgeCount);
            w.Write(s.FileSize);
            w.Write(s.ShallowSizesTransferred);
            w.Write(s.TraceNodeIds is not null);
            w.Write(s.Detachedness is not null);
            var meta = s.Meta;
            foreach (var list in new[] { meta.NodeFields, meta.NodeTypes, meta.EdgeFields, meta.EdgeTypes, meta.LocationFields })
            {
                w.Write(list.Length);
                foreach (var item in list) WriteText(w, item);
            }
            w.Write(meta.DeclaredNodeCount);
            w.Write(meta.DeclaredEdgeCount);
            w.Write(meta.TraceFunctionCount);
            w.Write(meta.RootIndex);
            w.Write(meta.ExtraNativeBytes);
            w.Write(s.Strings.Count);
            w.Write(s.Strings.PackedChunkCount);
            w.Write(s.Locations.Count);
            var st = analysis.Statistics;
            foreach (long value in new[] { st.Total, st.V8Heap, st.Native, st.Code, st.Strings, st.JsArrays, st.TypedArrays, st.System })
                w.Write(value);
            w.Write(analysis.Classes.Count);
            foreach (var c in analysis.Classes)
            {
                WriteText(w, c.Name);
                w.Write(c.Location.HasValue);
                var location = c.Location.GetValueOrDefault();
                w.Write(location.ScriptId);
                w.Write(location.Line);
                w.Write(location.Column);
                w.Write(c.Count);
                w.Write(c.ShallowSize);
                w.Write(c.RetainedSize);
                w.Write(c.Distance);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Parses what <see cref="Encode"/> wrote (its checksum already verified); malformed input throws.</summary>
    public static IndexInfo Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        int nodeCount = Count(r.ReadInt32());
        int edgeCount = Count(r.ReadInt32());
        long fileSize = r.ReadInt64();
        bool transferred = r.ReadBoolean(), hasTrace = r.ReadBoolean(), hasDetachedness = r.ReadBoolean();
        var lists = new string[5][];
        for (int l = 0; l < lists.Length; l++)
        {
            lists[l] = new string[Count(r.ReadInt32(), bytes.Length)];
            for (int i = 0; i < lists[l].Length; i++) lists[l][i] = ReadText(r);
        }
        var meta = new SnapshotMeta
        {
            NodeFields = lists[0],
            NodeTypes = lists[1],
            EdgeFields = lists[2],
            EdgeTypes = lists[3],
            LocationFields = lists[4],
            DeclaredNodeCount = r.ReadInt32(),
            DeclaredEdgeCount = r.ReadInt32(),
            TraceFunctionCount = r.ReadInt32(),
            RootIndex = r.ReadInt32(),
            ExtraNativeBytes = r.ReadInt64(),
        };
        int stringCount = Count(r.ReadInt32());
        int chunkCount = Count(r.ReadInt32(), bytes.Length);
        int locationCount = Count(r.ReadInt32());
        var statistics = new SnapshotStatistics(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(),
            r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        int classCount = Count(r.ReadInt32(), bytes.Length);
        var classes = new List<HeapClass>(classCount);
        for (int i = 0; i < classCount; i++)
        {
            string name = ReadText(r);
            bool located = r.ReadBoolean();
            var location = new SourceLocation(r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            classes.Add(new HeapClass(i, name, located ? location : null)
            {
                Count = r.ReadInt64(),
                ShallowSize = r.ReadInt64(),
                RetainedSize = r.ReadInt64(),
                Distance = r.ReadInt32(),
            });
        }
        if (r.BaseStream.Position != bytes.Length) throw new InvalidDataException("the index's info section has trailing bytes");
        if (meta.RootIndex < 0 || meta.NodeFieldCount == 0 || meta.RootIndex / meta.NodeFieldCount >= nodeCount)
            throw new InvalidDataException("the index's root is not one of its nodes");
        return new IndexInfo(nodeCount, edgeCount, fileSize, transferred, hasTrace, hasDetachedness, meta, stringCount,
            chunkCount, locationCount, statistics, classes);
    }

    private static int Count(int value, int limit = int.MaxValue) =>
        value >= 0 && value <= limit ? value : throw new InvalidDataException($"the index's info section holds a bad count ({value})");

    private static void WriteText(BinaryWriter w, string text)
    {
        w.Write(text.Length);
        w.Write(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    private static string ReadText(BinaryReader r)
    {
        int length = Count(r.ReadInt32(), (int)(r.BaseStream.Length / 2));
        return new string(MemoryMarshal.Cast<byte, char>(r.ReadBytes(length * 2)));
    }
}
