using Circly.Core.Admin;
using Circly.Core.Errors;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

/// <summary>Hide a circle or a poll from everyone; look a user up. Each is recorded in the audit log.</summary>
public sealed class AdminContentFunctions(HttpApi api, AdminService admin)
{
    /// <summary>{reason}: the circle and its polls stop being visible to everyone.</summary>
    [Function(nameof(AdminHideCircle))]
    public Task<IResult> AdminHideCircle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/circles/{id}/hide")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
        {
            var circleId = Query.RouteId(id, ErrorCodes.CircleNotFound, "Circle not found.");
            var body = await RequestBody.ReadAsync<ReasonRequest>(request, cancellationToken);
            return ApiResponse.Ok(await admin.HideCircleAsync(moderator, circleId, body, cancellationToken));
        });

    /// <summary>{reason}: the poll stops being visible to everyone.</summary>
    [Function(nameof(AdminHidePoll))]
    public Task<IResult> AdminHidePoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/polls/{id}/hide")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
        {
            var pollId = Query.RouteId(id, ErrorCodes.PollNotFound, "Poll not found.");
            var body = await RequestBody.ReadAsync<ReasonRequest>(request, cancellationToken);
            return ApiResponse.Ok(await admin.HidePollAsync(moderator, pollId, body, cancellationToken));
        });

    /// <summary>The account (no device data) and its memberships.</summary>
    [Function(nameof(AdminGetUser))]
    public Task<IResult> AdminGetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/users/{id}")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
            ApiResponse.Ok(await admin.LookUpUserAsync(moderator, Query.RouteId(id, ErrorCodes.NotFound, "No account has this id."), cancellationToken)));
}
