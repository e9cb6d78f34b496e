using Circly.Core.Admin;
using Circly.Core.Errors;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

/// <summary>/v1/admin/bans: device bans, newest first.</summary>
public sealed class AdminBanFunctions(HttpApi api, AdminService admin)
{
    [Function(nameof(AdminListBans))]
    public Task<IResult> AdminListBans(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/bans")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (_, cancellationToken) =>
        {
            var paging = Paging.From(request);
            var page = await admin.ListBansAsync(paging.Limit, paging.Offset, cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });

    /// <summary>{userId, reason}: bans the account's device everywhere and ends its sessions.</summary>
    [Function(nameof(AdminBan))]
    public Task<IResult> AdminBan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/bans")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<BanRequest>(request, cancellationToken);
            return ApiResponse.Created(await admin.BanAsync(moderator, body, cancellationToken));
        });

    /// <summary>{reason}: the device may sign in again.</summary>
    [Function(nameof(AdminLiftBan))]
    public Task<IResult> AdminLiftBan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/bans/{id}/lift")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
        {
            var banId = Query.RouteId(id, ErrorCodes.NotFound, "No ban has this id.");
            var body = await RequestBody.ReadAsync<ReasonRequest>(request, cancellationToken);
            return ApiResponse.Ok(await admin.LiftBanAsync(moderator, banId, body, cancellationToken));
        });
}
