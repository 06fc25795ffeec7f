using Heapdog.Server.Hosting;
using Heapdog.Workflows.Errors;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>The one table from error kinds to the HTTP statuses docs/api.md documents.</summary>
public sealed class ProblemsTests
{
    [Theory]
    [InlineData(ErrorKind.BadRequest, 400)]
    [InlineData(ErrorKind.Malformed, 400)]
    [InlineData(ErrorKind.NotPermitted, 403)]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.NoSuchObject, 404)]
    [InlineData(ErrorKind.ProcessUnavailable, 409)]
    [InlineData(ErrorKind.NotComparable, 409)]
    [InlineData(ErrorKind.Refused, 409)]
    [InlineData(ErrorKind.OutputExists, 409)]
    [InlineData(ErrorKind.TooLarge, 413)]
    [InlineData(ErrorKind.Unsupported, 422)]
    [InlineData(ErrorKind.OutputFailed, 507)]
    [InlineData(ErrorKind.AddressUnavailable, 500)]
    public void StatusOf_Kind_IsTheDocumentedStatus(ErrorKind kind, int status) => Problems.StatusOf(kind).ShouldBe(status);

    [Fact]
    public void Of_Exception_CarriesDetailErrorAndKind()
    {
        var problem = Problems.Of(new HeapdogException(ErrorKind.NoSuchObject, "'s.heapsnapshot' has no object @42"));
        problem.StatusCode.ShouldBe(404);
        problem.ProblemDetails.Detail.ShouldBe("'s.heapsnapshot' has no object @42");
        problem.ProblemDetails.Extensions["error"].ShouldBe("'s.heapsnapshot' has no object @42");
        problem.ProblemDetails.Extensions["kind"].ShouldBe("noSuchObject");
    }

    [Fact]
    public void Documentation_ListsEveryKind()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "api.md"));
        foreach (var kind in Enum.GetValues<ErrorKind>().Where(k => k != ErrorKind.AddressUnavailable))
            doc.ShouldContain($"`{Problems.KindName(kind)}`");
    }
}
