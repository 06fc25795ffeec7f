using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// Who a process is: its pid plus its start time (clock ticks since boot, field 22 of <c>/proc/PID/stat</c>).
/// A pid the kernel hands out again later belongs to a new process with a different start time.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    /// <summary>Text form <c>PID@STARTTICKS</c>, stable across runs and used as a key in the store.</summary>
    public override string ToString() =>
        Pid.ToString(CultureInfo.InvariantCulture) + "@" + StartTicks.ToString(CultureInfo.InvariantCulture);
}
