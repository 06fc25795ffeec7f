namespace Heapdog.Workflows.Sources;

/// <summary>A statement that stores into a <see cref="StoreTarget"/>: 1-based line and column of the owner's name in
/// it, and the line's text (trimmed, at most <see cref="StoreFinder.MaxTextLength"/> characters).</summary>
public sealed record StoreSite(int Line, int Column, string Text);
