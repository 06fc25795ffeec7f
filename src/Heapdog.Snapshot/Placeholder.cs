namespace Heapdog.Snapshot; internal static class Placeholder {}
