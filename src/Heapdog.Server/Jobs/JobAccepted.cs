namespace Heapdog.Server.Jobs;

/// <summary>The 202 answer of a request that started a job: poll <c>/api/jobs/{id}</c>.</summary>
public sealed record JobAccepted(JobView Job);
