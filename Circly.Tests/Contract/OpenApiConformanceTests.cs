using System.Net;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Contract;

/// <summary>
/// The check ApiClient runs on every answer (OpenApiConformance), on answers made up to break one
/// promise of the document each: the API tests passing means something only if each of these fails.
/// </summary>
public sealed class OpenApiConformanceTests(CirclyStack stack)
{
    private const string Meta = """ "meta": {"requestId": "req_1", "timestamp": "2026-12-01T21:00:00Z"} """;
    private const string Receipt = """{"pollId": "7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", "voted": true, "totalVotes": 3, "isClosed": false}""";

    [Fact]
    public async Task ADocumentedAnswerPasses()
    {
        var document = await stack.Client.DocumentAsync();
        var body = $$"""{"success": true, "data": {{Receipt}}, {{Meta}}}""";

        Assert.Empty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.OK, "application/json", body));
    }

    [Fact]
    public async Task AnUndocumentedFieldFails()
    {
        var document = await stack.Client.DocumentAsync();
        var body = $$"""{"success": true, "data": {"pollId": "7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", "voted": true, "totalVotes": 3, "isClosed": false, "optionId": "x"}, {{Meta}}}""";

        Assert.Contains("optionId", Assert.Single(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.OK, "application/json", body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUndocumentedFieldInTheEnvelopeFails()
    {
        var document = await stack.Client.DocumentAsync();
        var body = $$"""{"success": true, "data": {{Receipt}}, "debug": 1, {{Meta}}}""";

        Assert.NotEmpty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.OK, "application/json", body));
    }

    [Fact]
    public async Task AMissingOrMistypedFieldFails()
    {
        var document = await stack.Client.DocumentAsync();
        var missing = $$"""{"success": true, "data": {"pollId": "7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", "voted": true}, {{Meta}}}""";
        var mistyped = $$"""{"success": true, "data": {"pollId": "7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", "voted": "yes", "totalVotes": 3, "isClosed": false}, {{Meta}}}""";

        Assert.NotEmpty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.OK, "application/json", missing));
        Assert.NotEmpty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.OK, "application/json", mistyped));
    }

    [Fact]
    public async Task AStatusTheOperationDoesNotDocumentFails()
    {
        var document = await stack.Client.DocumentAsync();
        var body = $$"""{"success": true, "data": {{Receipt}}, {{Meta}}}""";

        Assert.Contains("does not document status 202", Assert.Single(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.Accepted, "application/json", body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorCodeNotListedForThatOperationAndStatusFails()
    {
        var document = await stack.Client.DocumentAsync();
        var listed = $$"""{"success": false, "error": {"code": "POLL_ALREADY_VOTED", "message": "Already voted."}, {{Meta}}}""";
        var unlisted = $$"""{"success": false, "error": {"code": "CIRCLE_FULL", "message": "Full."}, {{Meta}}}""";

        Assert.Empty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.Conflict, "application/json", listed));
        Assert.NotEmpty(document.Problems("POST", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001/vote", HttpStatusCode.Conflict, "application/json", unlisted));
    }

    [Fact]
    public async Task ARequestNoOperationTakesMustBeTheCatchAllsNotFound()
    {
        var document = await stack.Client.DocumentAsync();
        var notFound = $$"""{"success": false, "error": {"code": "NOT_FOUND", "message": "No endpoint."}, {{Meta}}}""";
        var success = $$"""{"success": true, "data": {}, {{Meta}}}""";

        Assert.Null(document.OperationFor("PATCH", "/v1/users/me"));
        Assert.Empty(document.Problems("PATCH", "/v1/users/me", HttpStatusCode.NotFound, "application/json", notFound));
        Assert.NotEmpty(document.Problems("PATCH", "/v1/users/me", HttpStatusCode.OK, "application/json", success));
    }

    [Fact]
    public async Task RequestsFindTheirOperationByTheHostsRule()
    {
        var document = await stack.Client.DocumentAsync();

        Assert.Equal("PopularTemplates", document.OperationFor("GET", "/v1/templates/popular"));
        Assert.Equal("JoinCircle", document.OperationFor("POST", "/v1/circles/join"));
        Assert.Equal("GetCircle", document.OperationFor("GET", "/v1/circles/join"));
        Assert.Equal("GetHealthHead", document.OperationFor("HEAD", "/health"));
    }

    [Fact]
    public async Task ABodyWhereTheDocumentSaysNoneFails()
    {
        var document = await stack.Client.DocumentAsync();

        Assert.Empty(document.Problems("GET", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", HttpStatusCode.NotModified, null, ""));
        Assert.NotEmpty(document.Problems("GET", "/v1/polls/7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", HttpStatusCode.NotModified, "application/json", "{}"));
    }
}
