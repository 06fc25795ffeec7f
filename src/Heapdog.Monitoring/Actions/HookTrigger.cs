namespace Heapdog.Monitoring.Actions;

/// <summary>What a hook runs on: a process's verdict turning to "growing" (<c>leak-verdict</c>), or a watched process
/// dying of memory (<c>oom-death</c>: its cgroup's oom_kill counter rose as it vanished).</summary>
public enum HookTrigger { LeakVerdict, OomDeath }
