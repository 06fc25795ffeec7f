namespace Heapdog.Monitoring.Oom;

/// <summary>How a process died of memory. JSON names (a promise): <c>kernel-oom-kill</c> (the global OOM killer),
/// <c>cgroup-oom-kill</c> (a memory cgroup's limit), <c>v8-heap-oom</c> (V8's heap limit: "JavaScript heap out of
/// memory"), <c>pm2-memory-restart</c> (pm2's max_memory_restart).</summary>
public enum OomEventKind { KernelOomKill, CgroupOomKill, V8HeapOom, Pm2MemoryRestart }
