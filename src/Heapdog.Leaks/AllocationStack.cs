using Heapdog.Snapshot.Analysis;

namespace Heapdog.Leaks;

/// <summary>
/// One function of an allocation stack. <see cref="Line"/> and <see cref="Column"/> are 1-based and, as V8 records
/// them, where the function starts (0 when unknown); <see cref="Script"/> is empty for V8's built-ins.
/// </summary>
public sealed record AllocationFrame(string Function, string Script, int ScriptId, int Line, int Column)
{
    public bool IsUserCode => Script.Length > 0 && !ScriptNames.IsRuntimeScript(Script);

    public override string ToString() => $"{(Script.Length > 0 ? Script : $"script {ScriptId}")}:{Line}:{Column}";
}

/// <summary>A stack, top frame (the allocating function) first, and how many of a suspect's new objects and bytes were allocated there.</summary>
public sealed record AllocationStack(IReadOnlyList<AllocationFrame> Frames, long Count, long Bytes)
{
    /// <summary>The first frame in the application's own code (a built-in or Node's code may allocate on its behalf), else the top one.</summary>
    public AllocationFrame? UserFrame => Frames.FirstOrDefault(f => f.IsUserCode) ?? (Frames.Count > 0 ? Frames[0] : null);

    /// <summary>For people: <c>app.js:5:17 (handle)</c>, the <see cref="UserFrame"/>.</summary>
    public string Describe() => UserFrame is { } f ? $"{f} ({f.Function})" : "(no frames)";
}
