using Circly.Core.Errors;
using Circly.Core.Polls;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Polls;

public sealed class PollFunctions(HttpApi api, PollService polls, PollMetrics metrics)
{
    /// <summary>Active and recent polls of my circles; ?circleId, ?status=all|active|closed, ?limit, ?offset.</summary>
    [Function(nameof(ListPolls))]
    public Task<IResult> ListPolls(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/polls")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var paging = Paging.From(request, defaultLimit: 20, maxLimit: 50);
            var page = await polls.ListAsync(user.UserId, Query.Id(request, "circleId"), Query.Enum(request, "status", PollStatusFilter.All), paging.Limit, paging.Offset, cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });

    [Function(nameof(CreatePoll))]
    public Task<IResult> CreatePoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/polls")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<CreatePollRequest>(request, cancellationToken);
            var poll = await polls.CreateAsync(user.UserId, body, cancellationToken);
            metrics.PollCreated();
            return ApiResponse.Created(poll);
        });

    /// <summary>Answers If-None-Match with 304 while nothing the caller sees has changed.</summary>
    [Function(nameof(GetPoll))]
    public Task<IResult> GetPoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/polls/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            if (await UnchangedAsync(request, user.UserId, PollId(id), results: false, cancellationToken) is { } unchanged)
            {
                return unchanged;
            }
            var (poll, etag) = await polls.GetAsync(user.UserId, PollId(id), cancellationToken);
            return ApiResponse.Tagged(poll, etag);
        });

    /// <summary>The creator moves the deadline of an open poll.</summary>
    [Function(nameof(UpdatePoll))]
    public Task<IResult> UpdatePoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/polls/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<UpdatePollRequest>(request, cancellationToken);
            return ApiResponse.Ok(await polls.UpdateAsync(user.UserId, PollId(id), body, cancellationToken));
        });

    [Function(nameof(DeletePoll))]
    public Task<IResult> DeletePoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/polls/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            await polls.DeleteAsync(user.UserId, PollId(id), cancellationToken);
            return ApiResponse.Ok(new DeletedResponse(Deleted: true));
        });

    [Function(nameof(Vote))]
    public Task<IResult> Vote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/polls/{id}/vote")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<VoteRequest>(request, cancellationToken);
            var receipt = await polls.VoteAsync(user.UserId, PollId(id), body, cancellationToken);
            metrics.VoteCast();
            return ApiResponse.Ok(receipt);
        });

    /// <summary>Counts once the caller voted or the poll closed; If-None-Match gives 304 while unchanged.</summary>
    [Function(nameof(GetPollResults))]
    public Task<IResult> GetPollResults(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/polls/{id}/results")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            if (await UnchangedAsync(request, user.UserId, PollId(id), results: true, cancellationToken) is { } unchanged)
            {
                return unchanged;
            }
            var (results, etag) = await polls.GetResultsAsync(user.UserId, PollId(id), cancellationToken);
            return ApiResponse.Tagged(results, etag);
        });

    /// <summary>
    /// With If-None-Match: the 304 answered from the poll's version alone (one statement), when the
    /// caller may see the poll and has the current tag; otherwise null and the full read runs.
    /// </summary>
    private async Task<ApiResponse?> UnchangedAsync(HttpRequest request, Guid userId, Guid pollId, bool results, CancellationToken cancellationToken)
    {
        if (request.Headers.IfNoneMatch.Count == 0)
        {
            return null;
        }
        var etag = await polls.CurrentETagAsync(userId, pollId, results, cancellationToken);
        return etag is not null && HttpApi.ClientHas(request, etag) ? ApiResponse.Tagged(null, etag) : null;
    }

    private static Guid PollId(string id) => Query.RouteId(id, ErrorCodes.PollNotFound, "Poll not found.");
}
