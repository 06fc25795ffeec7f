namespace Heapdog.Monitoring.Analysis;

/// <summary>The overall verdict. JSON names: <c>collecting</c> (not enough samples or time yet to call it steady),
/// <c>growing</c>, <c>steady</c>, <c>noisy</c> ("too noisy to tell").</summary>
public enum VerdictStatus { Collecting, Steady, Growing, Noisy }
