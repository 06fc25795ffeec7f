using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Heapdog.Testing;

/// <summary>
/// A child process started by a test. Its stdout and stderr are captured line by line from the start; stdout lines can
/// also be read in order (<see cref="ReadLineAsync"/>, <see cref="WaitForLineAsync"/>). Every wait has a timeout whose
/// message names the program and shows what it printed. Dispose kills the whole process tree.
/// </summary>
public abstract class ChildProcess : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The lines of a child's stdout and stderr reach a test through the thread pool. Tests that act on a line within a
    /// deadline (stop a target once "writing" shows, before the write ends) must not wait for the pool to grow while
    /// other tests in the same host keep its threads busy with in-process analyses: it starts large enough here.
    /// </summary>
    static ChildProcess()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    // The last characters of each stream quoted in a failure message.
    private const int QuotedChars = 4000;

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    protected ChildProcess(ProcessStartInfo start, string name, Action<string>? onStderrLine = null)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        Name = name;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _lines.Writer.TryComplete(); return; }
            Keep(_stdout, e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Keep(_stderr, e.Data);
            onStderrLine?.Invoke(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the messages call the program ("node server.js", "heapdog watch").</summary>
    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything printed to stdout so far, one '\n'-terminated line per line.</summary>
    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }

    /// <summary>Everything printed to stderr so far, one '\n'-terminated line per line.</summary>
    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    /// <summary>Stdout and stderr interleaved in the order they were read.</summary>
    public string Output { get { lock (_gate) return _output.ToString(); } }

    private void Keep(StringBuilder stream, string line)
    {
        lock (_gate)
        {
            stream.Append(line).Append('\n');
            _output.Append(line).Append('\n');
        }
    }

    /// <summary>The next stdout line not yet read by this method or <see cref="WaitForLineAsync"/>; null once stdout has ended.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token).ConfigureAwait(false) && _lines.Reader.TryRead(out var line)) return line;
            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} printed no line within {limit}{Printed()}");
        }
    }

    /// <summary>Reads stdout lines until one matches; fails clearly if the program ends or the time runs out first.</summary>
    /// <param name="what">The awaited line as the failure message should describe it ("a \"port N\" line").</param>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = limit - clock.Elapsed;
            string? line;
            try
            {
                line = left > TimeSpan.Zero ? await ReadLineAsync(left).ConfigureAwait(false) : throw new TimeoutException();
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{Name} did not print {what} within {limit}{Printed()}");
            }
            if (line is null)
            {
                string exit = _process.WaitForExit(TimeSpan.FromSeconds(5)) ? $" (exit code {_process.ExitCode})" : "";
                throw new InvalidOperationException($"{Name} closed its output{exit} before printing {what}{Printed()}");
            }
            if (match(line)) return line;
        }
    }

    /// <summary>Waits for the exit and for the last output; false if the process still runs after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // the redirected streams to their end
        return true;
    }

    /// <summary>Waits for the exit and for the last output and returns the exit code; throws a <see cref="TimeoutException"/> otherwise.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {limit}{Printed()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Writes one line to the program's stdin (only for programs started with stdin redirected).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Kills this process alone with SIGKILL, as a crash would (its children live on); nothing if it has exited.</summary>
    public void Kill()
    {
        try { _process.Kill(); }
        catch (InvalidOperationException) { }
    }

    /// <summary>What the program printed, for failure messages.</summary>
    protected string Printed()
    {
        string stdout = Stdout, stderr = Stderr;
        return $"\n--- stdout of {Name}:\n{Tail(stdout)}\n--- stderr of {Name}:\n{Tail(stderr)}";
    }

    private static string Tail(string text) => text.Length <= QuotedChars ? text : "…" + text[^QuotedChars..];

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _lines.Writer.TryComplete();
        _process.Dispose();
        OnDisposed();
        GC.SuppressFinalize(this);
    }

    /// <summary>Cleans up what a kind of child leaves besides its processes (cgroups, files), once they are gone.</summary>
    protected virtual void OnDisposed()
    {
    }
}
