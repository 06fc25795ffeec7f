namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// DevTools' Comparison view (HeapSnapshot.calculateSnapshotDiff / calculateDiffForClass): per class key, objects
/// with a non-zero shallow size are matched by id; an id only in TARGET's class is new (its TARGET shallow size is
/// allocated), an id only in BASE's class is deleted (its BASE shallow size is freed). Both id lists are sorted,
/// so one merge over all ids does every class at once. Adds the change of each class's retained size.
/// </summary>
public static class SnapshotDiff
{
    public static List<ClassDiff> Compare(SnapshotDigest @base, SnapshotDigest target)
    {
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        Row RowOf(ClassSummary c)
        {
            if (!rows.TryGetValue(c.Key, out var row)) rows[c.Key] = row = new Row { Name = c.Name };
            return row;
        }
        var baseRows = Array.ConvertAll(@base.Classes, RowOf);
        var targetRows = Array.ConvertAll(target.Classes, c => { var r = RowOf(c); r.Name = c.Name; return r; });

        var a = @base.Ids;
        var b = target.Ids;
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (j >= b.Length || (i < a.Length && a[i] < b[j])) { Deleted(i++); continue; }
            if (i >= a.Length || b[j] < a[i]) { Added(j++); continue; }
            // DevTools matches only objects with a non-zero shallow size within one class: an object whose size moved
            // to its owner (size 0 now) or that changed class counts as deleted from one list and new in the other.
            if (baseRows[@base.ClassOf[i]] != targetRows[target.ClassOf[j]] || @base.ShallowSizes[i] == 0 || target.ShallowSizes[j] == 0)
            {
                Deleted(i);
                Added(j);
            }
            i++;
            j++;
        }

        void Deleted(int k)
        {
            uint size = @base.ShallowSizes[k];
            if (size == 0) return;
            var row = baseRows[@base.ClassOf[k]];
            row.Deleted++;
            row.Freed += size;
        }
        void Added(int k)
        {
            uint size = target.ShallowSizes[k];
            if (size == 0) return;
            var row = targetRows[target.ClassOf[k]];
            row.New++;
            row.Alloc += size;
        }

        foreach (var c in @base.Classes) RowOf(c).Retained -= c.RetainedSize;
        foreach (var c in target.Classes) RowOf(c).Retained += c.RetainedSize;
        var result = new List<ClassDiff>();
        foreach (var (key, row) in rows)
            if (row.New != 0 || row.Deleted != 0)
                result.Add(new ClassDiff(key, row.Name, row.New, row.Deleted, row.Alloc, row.Freed, row.New - row.Deleted, row.Alloc - row.Freed, row.Retained));
        return result;
    }

    /// <summary>
    /// Without ids (<see cref="SnapshotMatching.Paths"/>): DevTools' Summary of each snapshot side by side, per class
    /// key the change of instances, shallow and retained bytes. Who is new or deleted is unknown (null), since an
    /// object of one snapshot cannot be found in the other. Classes whose count and size did not change are left out.
    /// </summary>
    public static List<ClassDiff> CompareSummaries(SnapshotDigest @base, SnapshotDigest target)
    {
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var c in @base.Classes)
        {
            if (!rows.TryGetValue(c.Key, out var row)) rows[c.Key] = row = new Row { Name = c.Name };
            row.New -= c.Count;
            row.Alloc -= c.ShallowSize;
            row.Retained -= c.RetainedSize;
        }
        foreach (var c in target.Classes)
        {
            if (!rows.TryGetValue(c.Key, out var row)) rows[c.Key] = row = new Row();
            row.Name = c.Name;
            row.New += c.Count;
            row.Alloc += c.ShallowSize;
            row.Retained += c.RetainedSize;
        }
        var result = new List<ClassDiff>();
        foreach (var (key, row) in rows)
            if (row.New != 0 || row.Alloc != 0)
                result.Add(new ClassDiff(key, row.Name, null, null, null, null, row.New, row.Alloc, row.Retained));
        return result;
    }

    /// <summary>A class's tallies; <see cref="CompareSummaries"/> keeps its count and size deltas in New and Alloc.</summary>
    private sealed class Row
    {
        public string Name = "";
        public long New, Deleted, Alloc, Freed, Retained;
    }
}
