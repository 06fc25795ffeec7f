using System.Diagnostics;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Hunting;

/// <summary>
/// The routine of a leak hunt, shared by <c>heapdog hunt</c> and the dashboard's Hunt button: <c>count</c> snapshots
/// <c>interval</c> apart, all over one inspector session (V8 numbers objects per session, so only snapshots of one
/// session line up). What a snapshot is and where it goes is the caller's <c>capture</c>.
/// </summary>
public static class HuntSeries
{
    public const int MinSnapshots = 2, MaxSnapshots = 20;

    public static void Validate(int count)
    {
        if (count is < MinSnapshots or > MaxSnapshots)
            throw new HeapdogException(ErrorKind.BadRequest, $"the number of snapshots must be between {MinSnapshots} and {MaxSnapshots}, got {count}");
    }

    /// <summary>Runs <paramref name="capture"/> (given the snapshot's index, from 0) <paramref name="count"/> times,
    /// waiting <paramref name="interval"/> between two, and returns what each capture returned, oldest first.</summary>
    public static async Task<IReadOnlyList<T>> CaptureAsync<T>(int count, TimeSpan interval, Func<int, Task<T>> capture, IWorkProgress progress,
        CancellationToken cancellationToken)
    {
        Validate(count);
        var taken = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            if (i > 0) await WaitAsync(interval, $"waiting {Format.Duration(interval)} for snapshot {i + 1} of {count}", progress, cancellationToken);
            taken.Add(await capture(i));
        }
        return taken;
    }

    private static async Task WaitAsync(TimeSpan interval, string phase, IWorkProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < interval)
        {
            progress.Report(phase, clock.Elapsed / interval);
            var left = interval - clock.Elapsed;
            await Task.Delay(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
