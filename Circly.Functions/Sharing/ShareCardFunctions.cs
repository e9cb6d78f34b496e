using Circly.Core.Errors;
using Circly.Core.Sharing;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Sharing;

public sealed class ShareCardFunctions(HttpApi api, ShareCardService shareCards)
{
    /// <summary>A PNG of the caller's own result in a closed poll, answered as a short-lived read-only URL (docs/API.md#share-cards).</summary>
    [Function(nameof(CreateShareCard))]
    public Task<IResult> CreateShareCard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/polls/{id}/share-card")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<ShareCardRequest>(request, cancellationToken);
            var pollId = Query.RouteId(id, ErrorCodes.PollNotFound, "Poll not found.");
            return ApiResponse.Ok(await shareCards.CreateAsync(user.UserId, pollId, body, cancellationToken));
        });
}
