namespace Heapdog.Monitoring.Analysis;

/// <summary>What one series is doing over the analysed window.</summary>
public enum SeriesState
{
    /// <summary>Fewer usable samples than the analysis needs.</summary>
    InsufficientData,
    /// <summary>No trend worth reporting, and the points sit close to the line.</summary>
    Flat,
    /// <summary>A significant upward trend larger than the minimum change.</summary>
    Growing,
    /// <summary>A significant downward trend larger than the minimum change.</summary>
    Shrinking,
    /// <summary>No clear trend, but the points scatter too widely to call it flat, or the fitted change is too large
    /// to call it flat although it is not a clear trend.</summary>
    Noisy,
    /// <summary>Enough samples, no trend yet, and too short a window to call it flat (see
    /// <see cref="VerdictOptions.SettleWindow"/>).</summary>
    Collecting,
}
