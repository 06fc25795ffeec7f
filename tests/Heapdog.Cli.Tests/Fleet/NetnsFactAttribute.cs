namespace Heapdog.Cli.Tests.Fleet;

/// <summary>A test that makes network namespaces (<see cref="NetworkNamespace"/>): skipped, saying why, where it cannot.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetworkNamespace.Unavailable is { } why) Skip = why;
    }
}
