namespace Heapdog.Leaks;

/// <summary>What kind of collection an object is, for entry counting.</summary>
public enum CollectionType { Array, Map, Set, Dictionary }
