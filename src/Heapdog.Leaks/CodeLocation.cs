namespace Heapdog.Leaks;

/// <summary>A source position, 1-based as editors and DevTools show it; <see cref="Script"/> is empty when V8 did not name the script.</summary>
public sealed record CodeLocation(string Script, int ScriptId, int Line, int Column)
{
    public override string ToString() => $"{(Script.Length > 0 ? Script : $"script {ScriptId}")}:{Line}:{Column}";
}
