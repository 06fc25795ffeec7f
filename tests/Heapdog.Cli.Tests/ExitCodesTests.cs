using Heapdog.Cli.CommandLine;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.Tests;

/// <summary>The one table from error kinds to the exit codes docs/cli.md documents.</summary>
public sealed class ExitCodesTests
{
    [Theory]
    [InlineData(ErrorKind.BadRequest, 2)]
    [InlineData(ErrorKind.NotFound, 3)]
    [InlineData(ErrorKind.Malformed, 4)]
    [InlineData(ErrorKind.Unsupported, 5)]
    [InlineData(ErrorKind.ProcessUnavailable, 6)]
    [InlineData(ErrorKind.NotPermitted, 6)]
    [InlineData(ErrorKind.Refused, 7)]
    [InlineData(ErrorKind.TooLarge, 7)]
    [InlineData(ErrorKind.OutputExists, 7)]
    [InlineData(ErrorKind.OutputFailed, 8)]
    [InlineData(ErrorKind.NotComparable, 9)]
    [InlineData(ErrorKind.AddressUnavailable, 10)]
    [InlineData(ErrorKind.NoSuchObject, 11)]
    [InlineData(ErrorKind.StoreNotWritable, 12)]
    public void Of_Kind_IsTheDocumentedCode(ErrorKind kind, int code) => ExitCodes.Of(kind).ShouldBe(code);

    [Fact]
    public void Of_EveryKind_HasACodeOtherThanInternal() =>
        Enum.GetValues<ErrorKind>().ShouldAllBe(k => ExitCodes.Of(k) != ExitCodes.Internal);

    [Fact]
    public void Documentation_ListsEveryCode()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));
        foreach (var code in Enum.GetValues<ErrorKind>().Select(ExitCodes.Of).Distinct())
            doc.ShouldContain($"| {code} |");
    }

    [Fact]
    public void Documentation_ListsTheSignalCodes()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));
        ExitCodes.Cancelled.ShouldBe(128 + 2);
        ExitCodes.Terminated.ShouldBe(128 + 15);
        doc.ShouldContain($"| {ExitCodes.Cancelled} | interrupted (Ctrl+C, SIGINT) |");
        doc.ShouldContain($"| {ExitCodes.Terminated} | terminated (SIGTERM) |");
    }
}
