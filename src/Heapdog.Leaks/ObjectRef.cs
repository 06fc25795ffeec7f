namespace Heapdog.Leaks;

/// <summary>An object named the way DevTools shows it: class, name (for closures and natives), <c>@id</c>.</summary>
public sealed record ObjectRef(uint Id, string ClassName, string Name, string Type)
{
    public override string ToString() => Type switch
    {
        "synthetic" => $"{(Name.Length > 0 ? Name : "(root)")}@{Id}",
        "hidden" or "array" or "code" when Name.Length > 0 => $"{Name}@{Id}",
        "closure" or "native" when Name.Length > 0 && Name != ClassName => $"{ClassName} {Name}@{Id}",
        _ => $"{ClassName}@{Id}",
    };
}
