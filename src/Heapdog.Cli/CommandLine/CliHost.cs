using System.CommandLine;
using System.CommandLine.Completions;
using System.Runtime.InteropServices;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// Builds the command tree and runs it. Anticipated failures (<see cref="HeapdogException"/>) print one line and
/// their exit code; anything else is a bug: one line plus the stack trace with <c>--verbose</c>, exit code 1.
/// </summary>
public static class CliHost
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces and extra diagnostics on failure",
        Recursive = true,
    };

    /// <summary>Progress and notes off; warnings, errors and results still print.</summary>
    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print no progress and no notes on stderr (warnings, errors and results still print)",
        Recursive = true,
    };

    /// <summary>Global, as the files it concerns are whatever the command opens (docs/cli.md, "File modes").</summary>
    public static readonly Option<bool> FixModes = new("--fix-modes")
    {
        Description = "Make existing files Heapdog writes (the store, its journals, snapshots, indexes) owner-only (0600, directories 0700) instead of warning",
        Recursive = true,
    };

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Heapdog: find what keeps a Node.js process's memory growing.");
        root.Options.Add(Verbose);
        root.Options.Add(FixModes);
        root.Options.Add(Quiet);
        root.Subcommands.Add(AnalyzeCommand.Create(context));
        root.Subcommands.Add(WatchCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(AgentCommand.Create(context));
        root.Subcommands.Add(TokensCommand.Create(context));
        root.Subcommands.Add(OomCommand.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(SnapshotCommand.Create(context));
        root.Subcommands.Add(SampleCommand.Create(context));
        root.Subcommands.Add(ArmCommand.Create(context));
        root.Subcommands.Add(PsCommand.Create(context));
        root.Subcommands.Add(HuntCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));
        root.Subcommands.Add(LeaksCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(PathsCommand.Create(context));
        root.Subcommands.Add(DominatorsCommand.Create(context));
        root.Subcommands.Add(StringsCommand.Create(context));
        root.Subcommands.Add(McpCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        // No response files: "@123" is how users write object ids.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (HelpDefaults.IsHelp(parse)) return HelpDefaults.Write(parse, output);
        bool completing = root.Directives.OfType<SuggestDirective>().FirstOrDefault() is { } suggest && parse.Action == suggest.Action;
        if ((parse.Errors.Count > 0 || UsageError.StrayOption(parse) is not null) && !completing)
        {
            await error.WriteLineAsync($"heapdog: {UsageError.Describe(parse)}");
            return ExitCodes.Usage;
        }

        context.Progress.LogPhaseTimes = parse.GetValue(Verbose);
        context.Quiet = parse.GetValue(Quiet);
        // Not disposed: a signal handler already running when the command ends may still cancel it.
        var cts = new CancellationTokenSource();
        // SIGTERM (systemd, kill, a container stop) cancels exactly like Ctrl-C, so the partial file is removed and the
        // inspector closed on the way out; only the exit code tells them apart (128 + the signal's number).
        int cancelledCode = ExitCodes.Cancelled;
        void Cancel(PosixSignalContext signal, int code)
        {
            // A second signal while the first is being handled ends the process at once (the system's default).
            if (cts.IsCancellationRequested) return;
            signal.Cancel = true;
            cancelledCode = code;
            cts.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, s => Cancel(s, ExitCodes.Cancelled));
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, s => Cancel(s, ExitCodes.Terminated));
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // The signals are ours (above): System.CommandLine's own handling would cut the cleanup short after
                // 2 s (leaving the inspector open) or cancel a token the error boundary does not know.
                ProcessTerminationTimeout = null,
            }, cts.Token);
        }
        catch (Exception ex) when (cts.IsCancellationRequested && ex is OperationCanceledException or HeapdogException)
        {
            // Whatever a cancelled operation ended with (a cancellation, or the dropped session it left behind), the
            // user asked for it to stop: one line and the signal's exit code.
            context.Progress.Clear();
            await error.WriteLineAsync(cancelledCode == ExitCodes.Terminated ? "heapdog: terminated (SIGTERM)" : "heapdog: cancelled");
            return cancelledCode;
        }
        catch (HeapdogException ex)
        {
            context.Progress.Clear();
            await error.WriteLineAsync($"heapdog: {ex.Message}");
            if (parse.GetValue(Verbose) && ex.InnerException is not null)
                await error.WriteLineAsync(ex.InnerException.ToString());
            return ExitCodes.Of(ex.Kind);
        }
        catch (Exception ex)
        {
            context.Progress.Clear();
            await error.WriteLineAsync($"heapdog: internal error: {ex.GetType().Name}: {ex.Message}");
            if (parse.GetValue(Verbose))
                await error.WriteLineAsync(ex.ToString());
            else
                await error.WriteLineAsync("Run again with --verbose for the stack trace, and please report it.");
            return ExitCodes.Internal;
        }
    }
}
