namespace Heapdog.Cli.Tests;

/// <summary>A test that mounts a real tmpfs (<see cref="SmallTmpfs"/>): skipped, saying why, where none can be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.Unavailable is { } why) Skip = why;
    }
}
