using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>
/// Every 4xx the server answers is an RFC 9457 problem with <c>error</c> and <c>kind</c>, those ASP.NET Core makes by
/// itself included (no route, wrong method, a value that does not bind); every query parameter of the API refuses a
/// value out of its range with a 400 naming it. A real server in-process (<see cref="DashboardApplication"/>).
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed partial class ErrorAnswersTests
{
    [Fact]
    public async Task FourHundreds_EveryKind_AreProblemsWithErrorAndKind()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, maxUploadBytes: 1000);
        using var anonymous = server.Anonymous();
        var cases = new (string What, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Kind)[]
        {
            ("a number that does not parse", () => server.Http.GetAsync("api/snapshots/1/strings?top=many"), HttpStatusCode.BadRequest, "badRequest"),
            ("a required parameter missing", () => server.Http.GetAsync("api/leaks"), HttpStatusCode.BadRequest, "badRequest"),
            ("no token", () => anonymous.GetAsync("api/processes"), HttpStatusCode.Unauthorized, "unauthorized"),
            ("another site's Host", () => server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/processes") { Headers = { Host = "evil.example" } }),
                HttpStatusCode.Forbidden, "forbidden"),
            ("no such API route", () => server.Http.GetAsync("api/nope"), HttpStatusCode.NotFound, "notFound"),
            ("no such OpenAPI document", () => server.Http.GetAsync("openapi/v2.json"), HttpStatusCode.NotFound, "notFound"),
            ("no such process", () => server.Http.GetAsync("api/processes/999999"), HttpStatusCode.NotFound, "notFound"),
            ("an id that is not digits", () => server.Http.GetAsync("api/processes/x1"), HttpStatusCode.NotFound, "notFound"),
            ("a method the route lacks", () => server.Http.DeleteAsync("api/processes"), HttpStatusCode.MethodNotAllowed, "methodNotAllowed"),
            ("a method no page has", () => server.Http.PutAsync("", new StringContent("x")), HttpStatusCode.MethodNotAllowed, "methodNotAllowed"),
            // The body goes only once the server asks for it, so that the refusal on the headers does not race the write.
            ("an upload over the limit", () => server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/snapshots")
                {
                    Content = DashboardApplication.Upload(new ByteArrayContent(new byte[2000])), Headers = { ExpectContinue = true },
                }), HttpStatusCode.RequestEntityTooLarge, "tooLarge"),
            ("an upload of another type", () => server.Http.PostAsync("api/snapshots", new StringContent("{}")), HttpStatusCode.UnsupportedMediaType,
                "unsupportedMediaType"),
        };
        foreach (var (what, send, status, kind) in cases)
        {
            using var response = await send();
            string body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(status, $"{what}: {body}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{what}: {body}");
            var problem = JsonDocument.Parse(body).RootElement;
            problem.GetProperty("status").GetInt32().ShouldBe((int)status, what);
            problem.GetProperty("kind").GetString().ShouldBe(kind, what);
            problem.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace(what);
            problem.GetProperty("detail").GetString().ShouldBe(problem.GetProperty("error").GetString(), what);
        }
    }

    [Fact]
    public async Task QueryParameters_OutOfRange_BadRequestNamingTheParameterAndRange()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);
        var document = JsonNode.Parse(await server.Http.GetStringAsync("openapi/v1.json"))!;
        var checkedParameters = new List<string>();

        // The agents' routes answer 401 to a request without an agent token before any parameter is read (their own
        // gate, tested in the fleet's tests); their ranges are the same filters as these.
        foreach (var (template, pathItem) in document["paths"]!.AsObject().Where(p => !p.Key.StartsWith("/api/agent/", StringComparison.Ordinal)))
        foreach (var (method, operation) in pathItem!.AsObject())
        {
            var query = (operation!["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query").Select(p => p!).ToList();
            foreach (var parameter in query)
            {
                string name = (string)parameter["name"]!;
                foreach (string bad in OutOfRange(parameter))
                {
                    // The other required parameters get a plain value, so that only this one is wrong; the ids need
                    // not exist, since ranges are checked before anything is looked up.
                    var values = query.Where(p => p != parameter && (bool?)p["required"] == true)
                        .Select(p => $"{(string)p["name"]!}=1").Append($"{name}={Uri.EscapeDataString(bad)}");
                    string path = IdParameter().Replace(template, "1").TrimStart('/') + "?" + string.Join('&', values);
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
                    using var response = await server.Http.SendAsync(request);
                    string body = await response.Content.ReadAsStringAsync();
                    response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{method} {path}: {body}");
                    var problem = JsonDocument.Parse(body).RootElement;
                    problem.GetProperty("kind").GetString().ShouldBe("badRequest");
                    (problem.TryGetProperty("parameter", out var named) ? named.GetString() : null).ShouldBe(name, $"{method} {path}: {body}");
                    string error = problem.GetProperty("error").GetString()!;
                    error.ShouldStartWith(name + " must be");
                    error.ShouldContain(problem.GetProperty("allowed").GetString()!);
                    checkedParameters.Add($"{method} {template} {name}={bad}");
                }
            }
        }
        // The walk reached the parameters it is about (and found no integer without a range, see OutOfRange).
        checkedParameters.ShouldContain("post /api/processes/{id}/hunt interval=99999d");
        checkedParameters.ShouldContain("post /api/processes/{id}/hunt count=21");
        checkedParameters.ShouldContain("post /api/processes/{id}/sample duration=99999d");
        checkedParameters.ShouldContain("get /api/processes/{id}/samples points=5001");
        checkedParameters.ShouldContain("get /api/snapshots/{id}/dominators depth=0");
        checkedParameters.Count.ShouldBeGreaterThan(30);
    }

    /// <summary>Values beyond a parameter's declared range: an integer's minimum − 1 and maximum + 1 (when a long can
    /// say them), a duration's extremes. An integer without a range fails the test: every one must have one.</summary>
    private static IEnumerable<string> OutOfRange(JsonNode parameter)
    {
        var schema = parameter["schema"]!;
        string type = schema["type"] is JsonArray types ? string.Join(',', types.Select(t => (string?)t)) : (string?)schema["type"] ?? "";
        if (type.Contains("integer", StringComparison.Ordinal))
        {
            schema["minimum"].ShouldNotBeNull($"query parameter '{parameter["name"]}' has no declared range");
            long min = long.Parse(schema["minimum"]!.ToString(), CultureInfo.InvariantCulture);
            long max = long.Parse(schema["maximum"]!.ToString(), CultureInfo.InvariantCulture);
            if (min > long.MinValue) yield return (min - 1).ToString(CultureInfo.InvariantCulture);
            if (max < long.MaxValue) yield return (max + 1).ToString(CultureInfo.InvariantCulture);
        }
        else if ((string?)parameter["description"] is { } description && DurationRange().IsMatch(description))
        {
            yield return "0ms";
            yield return "99999d";
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex IdParameter();

    [GeneratedRegex(@"from \d+(ms|s|m|h) to \d+(ms|s|m|h)")]
    private static partial Regex DurationRange();
}
