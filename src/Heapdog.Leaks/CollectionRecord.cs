namespace Heapdog.Leaks;

/// <summary>
/// One collection in one snapshot: its entry count and how many of its members already existed in the previous
/// snapshot (-1 for the first snapshot). Members that existed before but are gone were removed in between.
/// </summary>
public readonly record struct CollectionRecord(uint Id, CollectionType Type, int Entries, int KeptMembers, int Members);
