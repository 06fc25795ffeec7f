using System.CommandLine;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog analyze FILE</c>: what fills a heap snapshot.</summary>
public static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file written by Node, Chrome or Heapdog" };
        var command = new Command("analyze", "Show what fills a heap snapshot: statistics, summary by class, largest objects");
        command.Arguments.Add(file);
        command.SetAction((parse, ct) => Task.FromResult(0));
        return command;
    }
}
