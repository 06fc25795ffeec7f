namespace Heapdog.Cli.CommandLine;

/// <summary>Where a command writes its file: never over an existing file unless asked, and into a directory that exists.</summary>
internal static class OutputPath
{
    /// <summary><c>heapdog-PID-YYYYMMDD-HHMMSS.EXT</c> in the current directory (UTC time).</summary>
    public static string Default(int? pid, string extension) =>
        Path.GetFullPath($"heapdog-{(pid is int p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "remote")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}{extension}");

    public static string Check(string path, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new HeapdogException($"{full} is a directory; give a file name", ExitCodes.Usage);
        if (File.Exists(full) && !overwrite)
            throw new HeapdogException($"{full} already exists; choose another name or pass --overwrite", ExitCodes.Refused);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new HeapdogException($"cannot write {full}: directory {directory} does not exist", ExitCodes.OutputFailed);
        return full;
    }
}
