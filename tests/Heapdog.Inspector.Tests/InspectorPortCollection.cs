namespace Heapdog.Inspector.Tests;

/// <summary>Port 9229 is host-wide: every test that may open it runs in this one sequential collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InspectorPortCollection
{
    public const string Name = "inspector port 9229";
}
