namespace Heapdog.Monitoring.Actions;

/// <summary>When a snapshot rule fires: heap used above <c>Share</c> of the heap limit (needs runtime figures), RSS
/// above <c>Share</c> of the cgroup limit, a growth verdict, or every <c>Period</c>.</summary>
public enum SnapshotTrigger { HeapShare, CgroupShare, GrowthVerdict, Periodic }
