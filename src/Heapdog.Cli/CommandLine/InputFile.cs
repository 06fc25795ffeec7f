using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary>A snapshot argument as the path to read: <c>-</c> (standard input) as it is, any other made absolute.</summary>
internal static class InputFile
{
    /// <summary>What every snapshot argument's help says about the forms it takes.</summary>
    public const string Forms = "(.heapsnapshot or .heapsnapshot.gz; - reads stdin)";

    public static string Resolve(string argument) =>
        argument == SnapshotOpener.Stdin ? argument
        : argument.Length == 0 ? throw new HeapdogException(ErrorKind.BadRequest, "an empty file name was given for a snapshot")
        : Path.GetFullPath(argument);
}
