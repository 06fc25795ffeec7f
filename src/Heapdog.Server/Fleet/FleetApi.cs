using System.Text.Json;
using Heapdog.Monitoring.Fleet;
using Heapdog.Server.Hosting;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Fleet;

/// <summary>
/// The fleet's routes (docs/fleet.md, docs/api.md): agent tokens and hosts for users (behind the admin token), and
/// <c>/api/agent/…</c> for agents (behind their own tokens, <see cref="AgentGate"/>): batches in, jobs out, uploads in.
/// </summary>
public static class FleetApi
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public static void MapFleet(this IEndpointRouteBuilder app, FleetState fleet, LiveProcesses live, SnapshotLibrary library)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("fleet").WithProblems();
        tokens.MapPost("", Results<Ok<TokenCreated>, ProblemHttpResult> (TokenRequest request) =>
        {
            try
            {
                string token = fleet.Tokens.Create(request.Name);
                return TypedResults.Ok(new TokenCreated(request.Name, token, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
            catch (HeapdogException e) { return Problems.Of(e); }
        }).WithSummary("Make the token of a new agent (heapdog tokens create NAME): shown this once, kept hashed");
        tokens.MapGet("", () => TypedResults.Ok(fleet.Tokens.All().Select(t => new TokenView(t.Name, t.CreatedMs, t.RevokedMs, t.LastUsedMs)).ToList()))
            .WithSummary("Agent tokens, revoked ones too (never the tokens themselves)");
        tokens.MapDelete("/{name}", Results<NoContent, ProblemHttpResult> (string name) =>
        {
            try
            {
                fleet.Tokens.Revoke(name);
                return TypedResults.NoContent();
            }
            catch (HeapdogException e) { return Problems.Of(e); }
        }).WithSummary("Revoke an agent token (heapdog tokens revoke NAME): its agent is refused from then on");

        app.MapGet("/api/hosts", () => TypedResults.Ok(Hosts(fleet, live))).WithTags("fleet")
            .WithSummary("The server's own host and every host an agent reports from, with their running processes");

        var agent = app.MapGroup(AgentGate.Prefix).WithTags("agent").WithProblems();
        agent.MapPost("/batches", Results<Ok<BatchOutcome>, ProblemHttpResult> (HttpContext context, AgentBatch batch) =>
        {
            if (batch.AgentId.Length is 0 or > 64 || batch.Sequence < 1 || batch.Host.Length is 0 or > 253)
                return Problems.BadRequest("a batch needs agentId (1 to 64 characters), a sequence from 1 and a host name");
            try
            {
                return TypedResults.Ok(fleet.Store.ApplyBatch(AgentGate.AgentOf(context), batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
            catch (InvalidDataException e) { return Problems.BadRequest(e.Message); }
            catch (HostClaimedException e) { return Problems.Of(StatusCodes.Status403Forbidden, e.Message); }
        }).WithSummary("An agent's batch of samples, rollups, events and verdicts; applied once whatever the retries");

        agent.MapGet("/jobs", async Task<Results<Ok<AgentJob>, NoContent, ProblemHttpResult>> (HttpContext context, string host, int? wait, CancellationToken ct) =>
        {
            if (Owned(fleet, context, host) is { } refused) return refused;
            var job = await fleet.Jobs.TakeAsync(host, TimeSpan.FromSeconds(Math.Min(wait ?? 25, MaxWait.TotalSeconds)), ct);
            return job is null ? TypedResults.NoContent() : TypedResults.Ok(job);
        }).InRange("wait", 0, (long)MaxWait.TotalSeconds).WithSummary("The next remote action for the agent's host, waiting up to `wait` seconds for one");

        agent.MapPost("/jobs/{id:digits}", Results<NoContent, ProblemHttpResult> (HttpContext context, long id, string host, AgentJobUpdate update) =>
            Try(fleet, context, host, () => fleet.Jobs.Update(host, id, update)))
            .WithSummary("Progress or the end of a remote action, from the agent that runs it");

        agent.MapGet("/uploads/{id:digits}", Results<Ok<UploadState>, ProblemHttpResult> (HttpContext context, long id, string host) =>
        {
            if (Owned(fleet, context, host) is { } refused) return refused;
            try
            {
                return TypedResults.Ok(fleet.Jobs.Offset(host, id));
            }
            catch (HeapdogException e) { return Problems.Of(e); }
        }).WithSummary("How much of a capture's snapshot the server holds: the offset to resume at (`complete` once the whole was checked)");

        agent.MapPut("/uploads/{id:digits}", async Task<Results<Ok<UploadState>, ProblemHttpResult>> (HttpContext context, long id, string host,
            long offset, long total, string sha256, CancellationToken ct) =>
        {
            if (Owned(fleet, context, host) is { } refused) return refused;
            try
            {
                long at = await fleet.Jobs.AppendAsync(host, id, offset, total, sha256, context.Request.Body, ct);
                return TypedResults.Ok(new UploadState(id, at, false));
            }
            catch (HeapdogException e) when (e.Kind == ErrorKind.OutputExists)
            {
                return Problems.Of(StatusCodes.Status409Conflict, e.Message, e.Kind,
                    [new KeyValuePair<string, object?>("offset", fleet.Uploads.State(id).Offset)]);
            }
            catch (HeapdogException e) { return Problems.Of(e); }
        }).InRange("offset", 0, long.MaxValue).InRange("total", 0, long.MaxValue)
          .WithSummary("One chunk of a capture's snapshot (the body, at most 8 MiB) at `offset`, with its SHA-256 (hex)");

        agent.MapPost("/uploads/{id:digits}/complete", async Task<Results<NoContent, ProblemHttpResult>> (HttpContext context, long id, string host,
            long bytes, string sha256, CancellationToken ct) =>
        {
            if (Owned(fleet, context, host) is { } refused) return refused;
            try
            {
                await fleet.Jobs.CompleteUploadAsync(host, id, bytes, sha256, remote => library.NewPath($"{host}-pid{remote.Request.Pid}"), ct);
                return TypedResults.NoContent();
            }
            catch (HeapdogException e) { return Problems.Of(e); }
        }).InRange("bytes", 1, long.MaxValue).WithSummary("The whole snapshot is uploaded: checked against its SHA-256, then analysed by the job");
    }

    private static Results<NoContent, ProblemHttpResult> Try(FleetState fleet, HttpContext context, string host, Action act)
    {
        if (Owned(fleet, context, host) is { } refused) return refused;
        try
        {
            act();
            return TypedResults.NoContent();
        }
        catch (HeapdogException e) { return Problems.Of(e); }
    }

    /// <summary>An agent acts for the hosts it reports as, only: refused (403) for another's.</summary>
    private static ProblemHttpResult? Owned(FleetState fleet, HttpContext context, string host)
    {
        string agent = AgentGate.AgentOf(context);
        return fleet.Store.Hosts(0).Any(h => h.Name == host && h.Agent == agent) ? null
            : Problems.Of(StatusCodes.Status403Forbidden, $"host '{host}' does not report with agent token '{agent}'");
    }

    /// <summary>The server's own host first, then the agents' hosts, most recently heard of first.</summary>
    public static List<HostView> Hosts(FleetState fleet, LiveProcesses live)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var list = new List<HostView> { new(fleet.LocalHost, now, live.Current.Values.Count(p => !p.Exited), true, null, null, null, 0) };
        foreach (var h in fleet.Store.Hosts(now - (long)FleetState.RunningFor.TotalMilliseconds))
            list.Add(new HostView(h.Name, h.LastSeenMs, h.Processes, false, h.Agent, h.AgentVersion, h.FirstSeenMs, h.LostSamples));
        return list;
    }

    /// <summary>The verdict an agent shipped, as the processes API shows it.</summary>
    public static Workflows.Reports.Watch.WatchVerdict? VerdictOf(string json)
    {
        try { return JsonSerializer.Deserialize(json, Workflows.Json.HeapdogJsonContext.Default.WatchVerdict); }
        catch (JsonException) { return null; }
    }
}
