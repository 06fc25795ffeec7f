namespace Heapdog.Monitoring.Sampling;

/// <summary>Told about each committed round (the live view, the actions). Called on the watch loop: keep it short.</summary>
public interface IWatchListener
{
    ValueTask OnRoundAsync(WatchRound round, CancellationToken ct);
}
