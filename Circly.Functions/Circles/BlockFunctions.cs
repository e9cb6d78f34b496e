using Circly.Core.Circles;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Circles;

/// <summary>/v1/blocks: block a member of a shared circle, list my blocks, unblock. The blocked member is never told.</summary>
public sealed class BlockFunctions(HttpApi api, BlockService blocks)
{
    [Function(nameof(BlockMember))]
    public Task<IResult> BlockMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/blocks")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<BlockRequest>(request, cancellationToken);
            return ApiResponse.Created(await blocks.BlockAsync(user.UserId, body, cancellationToken));
        });

    [Function(nameof(ListBlocks))]
    public Task<IResult> ListBlocks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/blocks")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await blocks.ListAsync(user.UserId, cancellationToken)));

    [Function(nameof(Unblock))]
    public Task<IResult> Unblock(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/blocks/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            await blocks.UnblockAsync(user.UserId, Guid.TryParse(id, out var blockId) ? blockId : throw BlockService.BlockNotFound(), cancellationToken);
            return ApiResponse.Ok(new UnblockedResponse(Unblocked: true));
        });
}
