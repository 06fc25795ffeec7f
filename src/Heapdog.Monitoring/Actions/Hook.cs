namespace Heapdog.Monitoring.Actions;

/// <summary>A hook: a shell command (run with <c>/bin/sh -c</c>, the event as JSON on stdin and in HEAPDOG_* variables)
/// or a webhook URL (the event POSTed as JSON).</summary>
public sealed record Hook(HookTrigger Trigger, string? Command = null, Uri? Webhook = null);
