using Circly.Core.Circles;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Circles;

/// <summary>
/// /v1/circles. Ids in routes are parsed here: a malformed one is CIRCLE_NOT_FOUND, exactly like
/// a circle that does not exist. docs/API.md describes every endpoint.
/// </summary>
public sealed class CircleFunctions(HttpApi api, CircleService circles, ClientAddress clientAddress)
{
    /// <summary>My circles, most recently joined first; ?limit (1-100, default 50) and ?offset.</summary>
    [Function(nameof(ListCircles))]
    public Task<IResult> ListCircles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/circles")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var paging = Paging.From(request);
            var page = await circles.ListMineAsync(user.UserId, paging.Limit, paging.Offset, cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });

    /// <summary>A new circle; the caller becomes its owner under the nickname they chose.</summary>
    [Function(nameof(CreateCircle))]
    public Task<IResult> CreateCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/circles")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<CreateCircleRequest>(request, cancellationToken);
            return ApiResponse.Created(await circles.CreateAsync(user.UserId, body, cancellationToken));
        });

    [Function(nameof(GetCircle))]
    public Task<IResult> GetCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/circles/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await circles.GetAsync(CircleRules.CircleId(id), user.UserId, cancellationToken)));

    /// <summary>Owner only: name, maxMembers, expiresAt; fields left out stay as they are.</summary>
    [Function(nameof(UpdateCircle))]
    public Task<IResult> UpdateCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/circles/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var circleId = CircleRules.CircleId(id);
            var body = await RequestBody.ReadAsync<UpdateCircleRequest>(request, cancellationToken);
            return ApiResponse.Ok(await circles.UpdateAsync(circleId, user.UserId, body, cancellationToken));
        });

    /// <summary>Owner only: the circle and its polls stop being visible to everyone.</summary>
    [Function(nameof(DeleteCircle))]
    public Task<IResult> DeleteCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/circles/{id}")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            await circles.DeleteAsync(CircleRules.CircleId(id), user.UserId, cancellationToken);
            return ApiResponse.Ok(new DeletedResponse(Deleted: true));
        });

    /// <summary>{"inviteCode"} or {"inviteLinkId"}, and the nickname wanted in the circle. Rate-limited per user and per IP.</summary>
    [Function(nameof(JoinCircle))]
    public Task<IResult> JoinCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/circles/join")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<JoinCircleRequest>(request, cancellationToken);
            return ApiResponse.Ok(await circles.JoinAsync(user.UserId, clientAddress.Of(request), body, cancellationToken));
        });

    [Function(nameof(ListCircleMembers))]
    public Task<IResult> ListCircleMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/circles/{id}/members")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await circles.GetMembersAsync(CircleRules.CircleId(id), user.UserId, cancellationToken)));

    /// <summary>Owner only: a new invite code and link id; the old ones stop working at once.</summary>
    [Function(nameof(RegenerateCircleInvite))]
    public Task<IResult> RegenerateCircleInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/circles/{id}/regenerate-invite")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await circles.RegenerateInviteAsync(CircleRules.CircleId(id), user.UserId, cancellationToken)));

    [Function(nameof(LeaveCircle))]
    public Task<IResult> LeaveCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/circles/{id}/leave")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await circles.LeaveAsync(CircleRules.CircleId(id), user.UserId, cancellationToken)));

    /// <summary>Owner only: the member loses access at once and cannot rejoin this circle.</summary>
    [Function(nameof(RemoveCircleMember))]
    public Task<IResult> RemoveCircleMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/circles/{id}/members/{memberId}")] HttpRequest request, string id, string memberId) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var circleId = CircleRules.CircleId(id);
            await circles.RemoveMemberAsync(circleId, user.UserId, CircleRules.MemberId(memberId), cancellationToken);
            return ApiResponse.Ok(new MemberRemovedResponse(Removed: true));
        });
}
