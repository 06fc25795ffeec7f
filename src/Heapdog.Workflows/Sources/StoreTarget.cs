namespace Heapdog.Workflows.Sources;

/// <summary>
/// What a statement must store into: the <see cref="Owner"/> (the collection's variable or property name, as the
/// retainer path's last named edge gives it), reached as a property (<c>this.cache</c>) or as a variable
/// (<c>inflight</c>); for a listener leak, the emitter's name and the <see cref="ListenerEvent"/> its listeners are for.
/// </summary>
public sealed record StoreTarget(string Owner, bool Property, string? ListenerEvent = null);
