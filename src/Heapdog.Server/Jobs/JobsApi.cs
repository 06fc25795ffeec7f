using Heapdog.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Jobs;

/// <summary>The jobs of this server run (docs/api.md): listed, polled, cancelled.</summary>
public static class JobsApi
{
    public static void MapJobs(this IEndpointRouteBuilder app, JobBoard jobs)
    {
        var api = app.MapGroup("/api/jobs").WithTags("jobs").WithProblems();
        api.MapGet("", () => TypedResults.Ok(jobs.All().Select(j => j.View()).ToList())).WithSummary("Jobs of this server run, newest first");
        api.MapGet("/{id:digits}", Results<Ok<JobView>, ProblemHttpResult> (long id) =>
            jobs.Get(id) is { } job ? TypedResults.Ok(job.View()) : NoJob(id)).WithSummary("One job");
        api.MapDelete("/{id:digits}", Results<NoContent, ProblemHttpResult> (long id) =>
        {
            if (jobs.Get(id) is not { } job) return NoJob(id);
            job.Cancellation.Cancel();
            return TypedResults.NoContent();
        }).WithSummary("Cancel a job");
    }

    /// <summary>The 202 of a request that started <paramref name="job"/>, pointing at where to poll it.</summary>
    public static Accepted<JobAccepted> Accepted(Job job) => TypedResults.Accepted($"/api/jobs/{job.Id}", new JobAccepted(job.View()));

    private static ProblemHttpResult NoJob(long id) => Problems.NotFound($"no job {id}");
}
