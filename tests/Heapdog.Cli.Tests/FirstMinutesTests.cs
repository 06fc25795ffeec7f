using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary>
/// The first five minutes with the CLI, run as a user runs it (the built heapdog as a child process): mistakes get one
/// line with the nearest real name, values are judged in the user's terms, durations read as they are typed, colours
/// and progress appear on a terminal only, and snapshots can be gzipped or come on stdin.
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class FirstMinutesTests(SnapshotFixtures fixtures)
{
    private static Task<HeapdogRun> Heapdog(params string[] args) => HeapdogCommand.RunAsync(Path.GetTempPath(), args, timeout: TimeSpan.FromMinutes(2));

    [Theory]
    [InlineData(new[] { "anlyze", "x.heapsnapshot" }, "heapdog: unknown command 'anlyze'; did you mean 'analyze'?")]
    [InlineData(new[] { "analyze", "--jsn", "x.heapsnapshot" }, "heapdog: unknown option '--jsn' for 'heapdog analyze'; did you mean '--json'?")]
    [InlineData(new[] { "leaks", "a", "b", "--tpo", "3" }, "heapdog: unknown option '--tpo' for 'heapdog leaks'; did you mean '--top'?")]
    [InlineData(new[] { "snapshot", "1", "--verbsoe" }, "heapdog: unknown option '--verbsoe' for 'heapdog snapshot'; did you mean '--verbose'?")]
    [InlineData(new[] { "frobnicate" }, "heapdog: unknown command 'frobnicate'; see 'heapdog --help'")]
    public async Task Parse_Typo_OneLineWithTheNearestNameExit2(string[] args, string line)
    {
        var run = await Heapdog(args);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.Stderr);
        run.Stderr.TrimEnd().ShouldBe(line);
        run.Stdout.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(new[] { "analyze", "--sort", "biggest", "x" }, "heapdog: --sort must be one of count, distance, name, retained, shallow, got 'biggest'")]
    [InlineData(new[] { "snapshot", "abc" }, "heapdog: PID must be a whole number, got 'abc'")]
    [InlineData(new[] { "watch", "--snapshot-heap-share", "most" }, "heapdog: --snapshot-heap-share must be a number, got 'most'")]
    [InlineData(new[] { "analyze", "--top" }, "heapdog: --top needs a value; see 'heapdog analyze --help'")]
    [InlineData(new[] { "leaks", "only.heapsnapshot" }, "heapdog: leaks compares snapshots: give two or more of one process, oldest first (got one)")]
    [InlineData(new[] { "serve", "--interval", "soon" }, "heapdog: --interval must be a duration between 100ms and 1d (e.g. 500ms, 30s, 5m, 1h), got 'soon'")]
    public async Task Parse_BadValue_OneLineInTheUsersTermsExit2(string[] args, string line)
    {
        var run = await Heapdog(args);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.Stderr);
        run.Stderr.TrimEnd().ShouldBe(line);
        run.Stderr.ShouldNotContain("System.");
    }

    [Fact]
    public async Task Parse_MissingArgument_NamesItAndWhatItIs()
    {
        var run = await Heapdog("analyze");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Stderr.TrimEnd().ShouldStartWith("heapdog: analyze needs FILE: A heap snapshot");
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("serve", "[default: 5s]")]
    [InlineData("watch", "[default: 10m]")]
    [InlineData("import", "[default: 1m]")]
    public async Task Help_DurationDefault_AsUsersTypeIt(string command, string shown)
    {
        var run = await Heapdog(command, "--help");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain(shown);
        run.Stdout.ShouldNotMatch(@"\[default: [\d.]*\d\d:\d\d:\d\d");
    }

    [Fact]
    public void Options_EveryShortFlag_MeansOneLongOptionEverywhere()
    {
        var root = CliHost.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null));
        var meanings = new Dictionary<string, HashSet<string>>();
        void Visit(System.CommandLine.Command command)
        {
            foreach (var option in command.Options)
                foreach (var alias in option.Aliases.Append(option.Name).Where(a => a.Length == 2 && a[0] == '-'))
                    (meanings.TryGetValue(alias, out var names) ? names : meanings[alias] = []).Add(option.Name);
            foreach (var sub in command.Subcommands) Visit(sub);
        }
        Visit(root);

        meanings.Where(m => m.Value.Count > 1).Select(m => $"{m.Key}: {string.Join(", ", m.Value)}").ShouldBeEmpty();
        meanings.GetValueOrDefault("-n")?.ShouldNotContain("--top");
    }

    [Fact]
    public async Task Completion_SuggestDirective_CompletesCommandsAndOptions()
    {
        var commands = await Heapdog("[suggest:11]", "heapdog ana");
        var options = await Heapdog("[suggest:19]", "heapdog analyze --j");

        commands.Stdout.Trim().ShouldBe("analyze");
        options.Stdout.Trim().ShouldBe("--json");
    }

    [Fact]
    public async Task Analyze_GzippedAndStdin_SameReportAsTheFile()
    {
        string plain = fixtures.Get("features.js");
        using var dir = new TempDirectory();
        string gz = dir.File("features.heapsnapshot.gz");
        await using (var source = File.OpenRead(plain))
        await using (var target = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            await source.CopyToAsync(target);

        var fromFile = await Heapdog("analyze", plain, "--json");
        var fromGz = await Heapdog("analyze", gz, "--json");
        var fromStdin = await ShellAsync("exec dotnet \"$0\" analyze - --json < \"$1\"", HeapdogCommand.Dll, plain);
        var fromGzStdin = await ShellAsync("exec dotnet \"$0\" analyze - --json < \"$1\"", HeapdogCommand.Dll, gz);

        fromFile.ExitCode.ShouldBe(0, fromFile.Stderr);
        foreach (var run in new[] { fromGz, fromStdin, fromGzStdin })
        {
            run.ExitCode.ShouldBe(0, run.Stderr);
            Summary(run.Stdout).ShouldBe(Summary(fromFile.Stdout));
        }
        JsonDocument.Parse(fromStdin.Stdout).RootElement.GetProperty("file").GetString().ShouldBe("-");
    }

    [Fact]
    public async Task Analyze_TruncatedGzip_OneLineExit4()
    {
        string plain = fixtures.Get("features.js");
        using var dir = new TempDirectory();
        var whole = new MemoryStream();
        await using (var source = File.OpenRead(plain))
        await using (var zip = new GZipStream(whole, CompressionLevel.Fastest, leaveOpen: true))
            await source.CopyToAsync(zip);
        string gz = dir.File("cut.heapsnapshot.gz");
        await File.WriteAllBytesAsync(gz, whole.ToArray()[..(int)(whole.Length / 2)]);

        var run = await Heapdog("analyze", gz);

        run.ExitCode.ShouldBe(ExitCodes.BadInput, run.Stderr);
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith($"heapdog: '{gz}': ");
    }

    [Fact]
    public async Task Diff_StdinTwice_RefusedBeforeReading()
    {
        var run = await Heapdog("diff", "-", "-");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Stderr.TrimEnd().ShouldBe("heapdog: '-' (stdin) can be read only once per command; give the other snapshots as files");
    }

    [Fact]
    public async Task Leaks_Terminal_SeverityColouredButNotWithNoColorOrRedirected()
    {
        string[] files = fixtures.Written(LeakFixtures.Program("listeners"));
        string command = $"dotnet {HeapdogCommand.Dll} leaks {string.Join(' ', files)}";

        var coloured = await ShellAsync("exec script -qec \"$0\" /dev/null", command);
        var noColor = await ShellAsync("NO_COLOR=1 exec script -qec \"$0\" /dev/null", command);
        var redirected = await Heapdog(["leaks", .. files]);

        coloured.ExitCode.ShouldBe(0, coloured.Stdout);
        coloured.Stdout.ShouldContain("\e[1;31mHIGH\e[0m");
        noColor.ExitCode.ShouldBe(0, noColor.Stdout);
        noColor.Stdout.ShouldContain("HIGH");
        // Only colour codes (SGR, "ESC[…m") count: .NET itself sets the terminal's keypad mode on a terminal.
        noColor.Stdout.ShouldNotMatch(@"\e\[[\d;]*m");
        redirected.ExitCode.ShouldBe(0, redirected.Stderr);
        redirected.Stdout.ShouldContain("HIGH");
        redirected.Stdout.ShouldNotMatch(@"\e\[[\d;]*m");
    }

    [Fact]
    public async Task Analyze_Progress_BarOnATerminalNothingRedirectedNothingQuiet()
    {
        string file = fixtures.Get("features.js");
        string command = $"dotnet {HeapdogCommand.Dll} analyze {file}";

        var terminal = await ShellAsync("exec script -qec \"$0\" /dev/null", command);
        var quiet = await ShellAsync("exec script -qec \"$0 --quiet\" /dev/null", command);
        var redirected = await Heapdog("analyze", file);

        terminal.ExitCode.ShouldBe(0, terminal.Stdout);
        terminal.Stdout.ShouldMatch(@"Reading features\.heapsnapshot \[[#-]{20}\] +\d+%  [\d.]+ [kMG]?B / [\d.]+ [kMG]?B");
        quiet.ExitCode.ShouldBe(0, quiet.Stdout);
        quiet.Stdout.ShouldContain("Statistics");
        quiet.Stdout.ShouldNotContain("Reading features");
        redirected.ExitCode.ShouldBe(0, redirected.Stderr);
        redirected.Stderr.ShouldBeEmpty();
    }

    /// <summary>Runs <c>sh -c SCRIPT ARGS…</c> ($0, $1, …), stdout and stderr kept apart.</summary>
    private static async Task<HeapdogRun> ShellAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TERM"] = "xterm";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new HeapdogRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The report without what depends on where and how fast it was read.</summary>
    private static string Summary(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var fields = doc.RootElement.EnumerateObject().Where(p => p.Name is not ("file" or "fileSize" or "timings"));
        return string.Join("\n", fields.Select(p => p.Name + "=" + p.Value.GetRawText()));
    }
}
