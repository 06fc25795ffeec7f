using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// Where a Node process's anonymous memory lives, read from <c>/proc/PID/maps</c> (cheap: no page-table walk).
/// V8 on 64-bit Linux places every heap page with an mmap hint drawn below <see cref="V8HintCeiling"/>
/// (<c>kAllocationRandomAddressMask</c>), while malloc arenas, mmap'ed malloc chunks (Buffer and ArrayBuffer backing
/// stores), thread stacks and libraries go where the kernel puts them: the brk heap after the executable, or top-down
/// from just under the stack (0x7f… on x86-64). So writable anonymous mappings low in the address space, other than
/// the executable's bss, are the V8 heap (committed), and the rest of the anonymous memory is native.
/// See docs/watch.md for the method and its limits.
/// </summary>
public sealed record AddressSpaceLayout(long V8CommittedBytes, int V8Mappings, long NativeMappedBytes, int Mappings)
{
    /// <summary>Upper bound (exclusive) of the addresses V8 asks mmap for on 64-bit Linux.</summary>
    public const ulong V8HintCeiling = 0x4000_0000_0000;

    /// <summary>Parses the text of a maps file; null when no line parses.</summary>
    public static AddressSpaceLayout? Parse(string text)
    {
        long v8 = 0, native = 0;
        int v8Count = 0, count = 0;
        ulong previousEnd = 0;
        bool previousFileBacked = false;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            // start-end perms offset dev inode [path]
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash <= 0 || space < dash + 2 || line.Length < space + 5) continue;
            if (!ulong.TryParse(line[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(line[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong end)
                || end < start)
                continue;
            count++;
            var perms = line.Slice(space + 1, 4);
            var path = PathOf(line);
            bool writable = perms[1] == 'w';
            long size = (long)(end - start);
            if (path.IsEmpty)
            {
                bool bss = previousFileBacked && start == previousEnd;
                if (writable && !bss && end <= V8HintCeiling) { v8 += size; v8Count++; }
                else if (writable && !bss) native += size;
            }
            else if (path.SequenceEqual("[heap]"))
            {
                native += size;
            }
            previousEnd = end;
            previousFileBacked = !path.IsEmpty && path[0] != '[';
        }
        return count == 0 ? null : new AddressSpaceLayout(v8, v8Count, native, count);
    }

    /// <summary>The path column (6th), empty for an anonymous mapping.</summary>
    private static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> line)
    {
        int field = 0;
        int i = 0;
        while (i < line.Length && field < 5)
        {
            while (i < line.Length && line[i] != ' ') i++;
            while (i < line.Length && line[i] == ' ') i++;
            field++;
        }
        return i < line.Length ? line[i..].TrimEnd() : [];
    }
}
