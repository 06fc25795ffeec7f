using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Every numeric and duration option is range-checked while the command line is parsed: an out-of-range value exits 2
/// with one error line naming the option and its range, before any work (no store, no attach, no file read), and
/// never as an internal error (an overflow, a timer's ArgumentOutOfRangeException).
/// </summary>
public sealed class OptionRangeTests
{
    public static TheoryData<string, string> OutOfRange => new()
    {
        { "watch --pid 1 --interval 99999d --db DIR/s.db", "--interval must be a duration between 100ms and 1d (e.g. 500ms, 30s, 5m, 1h), got '99999d'" },
        { "watch --pid 1 --interval 10ms --db DIR/s.db", "--interval must be a duration between 100ms and 1d" },
        { "watch --pid 1 --duration 0s --db DIR/s.db", "--duration must be a duration between 100ms and 366d" },
        { "watch --pid 1 --duration 99999d --db DIR/s.db", "--duration must be a duration between 100ms and 366d" },
        { "watch --pid 99999999999 --db DIR/s.db", "--pid must be between 1 and 2147483647, got '99999999999'" },
        { "watch --pid 1 --snapshot-max 0 --db DIR/s.db", "--snapshot-max must be between 1 and 1000, got '0'" },
        { "watch --pid 1 --snapshot-every 99999d --db DIR/s.db", "--snapshot-every must be a duration between 1s and 30d" },
        { "watch --pid 1 --snapshot-cooldown 0s --db DIR/s.db", "--snapshot-cooldown must be a duration between 1s and 30d" },
        { "watch --pid 1 --snapshot-budget-mb 0 --db DIR/s.db", "--snapshot-budget-mb must be between 1 and 1073741824, got '0'" },
        { "serve --interval 99999d --db DIR/s.db", "--interval must be a duration between 100ms and 1d" },
        { "serve --loaded 0 --db DIR/s.db", "--loaded must be between 1 and 64, got '0'" },
        { "serve --loaded 100000 --db DIR/s.db", "--loaded must be between 1 and 64, got '100000'" },
        { "hunt 1 --snapshots 0", "--snapshots must be between 2 and 20, got '0'" },
        { "hunt 1 --snapshots 100000", "--snapshots must be between 2 and 20, got '100000'" },
        { "hunt 1 --interval 99999d", "--interval must be a duration between 100ms and 1d" },
        { "demo --snapshots 0", "--snapshots must be between 2 and 20, got '0'" },
        { "demo --interval 99999d", "--interval must be a duration between 100ms and 1d" },
        { "import DIR/x.log --interval 99999d --db DIR/s.db", "--interval must be a duration between 1ms and 1d" },
        { "sample 1 --duration 99999d", "--duration must be a duration between 100ms and 1d" },
        { "sample 1 --interval 1", "--interval must be between 1024 and 67108864, got '1'" },
        { "sample 1 --top 0", "--top must be between 1 and 1000000, got '0'" },
        { "snapshot --port 70000", "--port must be between 1 and 65535, got '70000'" },
        { "snapshot --pid -5", "--pid must be between 1 and 2147483647, got '-5'" },
        { "arm 1 --count 0", "--count must be between 1 and 100, got '0'" },
        { "analyze DIR/x.heapsnapshot --top 99999999999", "--top must be between 0 and 1000000, got '99999999999'" },
        { "analyze DIR/x.heapsnapshot --objects -1", "--objects must be between 0 and 1000000, got '-1'" },
        { "diff DIR/a DIR/b --top 2000000", "--top must be between 0 and 1000000, got '2000000'" },
        { "leaks DIR/a DIR/b --top -1", "--top must be between 0 and 1000000, got '-1'" },
        { "strings DIR/x.heapsnapshot --top 99999999999", "--top must be between 0 and 1000000" },
        { "inspect DIR/x.heapsnapshot @1 --limit -1", "--limit must be between 0 and 1000000, got '-1'" },
        { "paths DIR/x.heapsnapshot @1 -k 0", "-k must be between 1 and 1000, got '0'" },
        { "dominators DIR/x.heapsnapshot --depth 0", "--depth must be between 1 and 100, got '0'" },
        { "dominators DIR/x.heapsnapshot --width 99999999999", "--width must be between 1 and 1000" },
        { "mcp --loaded 0", "--loaded must be between 1 and 64, got '0'" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task Command_OptionOutOfRange_Exit2WithOneLineNamingTheRange(string commandLine, string expected)
    {
        using var dir = new TempDirectory();
        string[] args = [.. commandLine.Split(' ').Select(a => a.Replace("DIR", dir.Path, StringComparison.Ordinal))];
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = await CliHost.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(30));

        exitCode.ShouldBe(2, error.ToString());
        var errors = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("Run 'heapdog --help'", StringComparison.Ordinal)).ToList();
        errors.Count.ShouldBe(1, error.ToString());
        errors[0].ShouldStartWith($"heapdog: {expected}");
        output.ToString().ShouldBeEmpty();
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty("nothing may be created before the options are checked");
    }
}
