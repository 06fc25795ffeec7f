namespace Heapdog.Workflows.Sources;

/// <summary>What a <see cref="JsToken"/> is, as far as finding a store needs to know.</summary>
internal enum JsTokenKind
{
    Identifier,
    Number,
    String,
    /// <summary>A whole template literal, its <c>${…}</c> parts included (they are skipped, not searched).</summary>
    Template,
    Regex,
    Punctuator,
}

/// <summary>One token of JavaScript source: its kind and where it is in the text (UTF-16 offsets, as V8 counts).</summary>
internal readonly record struct JsToken(JsTokenKind Kind, int Start, int End)
{
    public bool Is(string text, string value) =>
        Kind is JsTokenKind.Punctuator or JsTokenKind.Identifier && End - Start == value.Length && string.CompareOrdinal(text, Start, value, 0, value.Length) == 0;
}
