using System.Runtime.InteropServices;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Files;

/// <summary>
/// Tells a FIFO, a socket or a device from a regular file without opening it: opening a FIFO for reading blocks until a
/// writer comes, so a FIFO given as a snapshot or a log would hang the command.
/// <para>
/// .NET does not say: <see cref="FileSystemInfo.Attributes"/> is <c>Normal</c> for a FIFO, a socket and
/// <c>/dev/null</c> alike, <see cref="FileSystemInfo.UnixFileMode"/> holds only the permission bits, and the file type
/// it reads (<c>FileStatus</c>) is internal. So this asks the kernel with <c>statx(2)</c>: unlike <c>struct stat</c>,
/// whose layout differs between architectures, <c>struct statx</c> is the same everywhere (256 bytes, <c>stx_mode</c>
/// at byte 28). It follows symbolic links, so a link to a FIFO is a FIFO. Where <c>statx</c> is missing (not Linux, or
/// glibc before 2.28) the type is unknown and the file is treated as regular.
/// </para>
/// </summary>
public static class SpecialFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;

    /// <summary>What <paramref name="path"/> is when it is neither a regular file nor a directory ("a FIFO",
    /// "a socket", "a character device", "a block device"); null for a regular file, a directory, a missing file or
    /// when the type cannot be told.</summary>
    public static string? Describe(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if ((BitConverter.ToUInt32(buffer, 0) & StatxType) == 0) return null;
        int type = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
        return type switch
        {
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => null,
        };
    }

    /// <summary>Throws <see cref="ErrorKind.NotFound"/> when <paramref name="path"/> is a FIFO, a socket or a device:
    /// "'NAME' is not a regular file (a FIFO)". <paramref name="name"/> is how messages name it (the path when not given).</summary>
    public static void Refuse(string path, string? name = null)
    {
        if (Describe(path) is { } kind)
            throw new HeapdogException(ErrorKind.NotFound, $"'{name ?? path}' is not a regular file ({kind})");
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
