namespace Heapdog.Monitoring.Analysis;

/// <summary>The overall verdict. JSON names: <c>growing</c>, <c>steady</c>, <c>noisy</c> ("too noisy to tell"),
/// <c>insufficient-data</c>.</summary>
public enum VerdictStatus { InsufficientData, Steady, Growing, Noisy }
