namespace Heapdog.Leaks;

/// <summary>What a <see cref="CodeLocation"/> points at: it is never the statement that stored the object unless it says so.</summary>
public enum LocationKind
{
    /// <summary>The start of the constructor (class) of the new objects.</summary>
    Constructor,
    /// <summary>The start of a function: a closure among the new objects, or one on the path to them.</summary>
    Function,
    /// <summary>The start of the function that allocated the new objects (allocation tracking on); V8 gives no finer position.</summary>
    Allocation,
}
