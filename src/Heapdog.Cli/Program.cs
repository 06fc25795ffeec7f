using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        EmbeddedSqlite.Register();
        return CliHost.RunAsync(args, Console.Out, Console.Error);
    }
}
