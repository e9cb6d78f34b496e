using Circly.Core;
using Circly.Core.Users;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Circly.Functions.Users;

public sealed class UserFunctions(HttpApi api, UserService users, IOptions<AppOptions> app)
{
    /// <summary>The profile, with the published safety contact (App__SafetyContact).</summary>
    [Function(nameof(GetMe))]
    public Task<IResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/users/me")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var me = await users.GetProfileAsync(user.UserId, cancellationToken);
            return ApiResponse.Ok(MeResponse.Of(me, app.Value.SafetyContact));
        });

    /// <summary>App version, platform, locale and time zone; ids, roles and ban state are not the user's to change.</summary>
    [Function(nameof(UpdateMe))]
    public Task<IResult> UpdateMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/users/me")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<UpdateProfileRequest>(request, cancellationToken);
            return ApiResponse.Ok(await users.UpdateProfileAsync(user.UserId, body, cancellationToken));
        });

    [Function(nameof(SetPushToken))]
    public Task<IResult> SetPushToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/users/me/push-token")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<PushTokenRequest>(request, cancellationToken);
            return ApiResponse.Ok(await users.SetPushTokenAsync(user.UserId, body, cancellationToken));
        });

    /// <summary>Stops pushes to this account (sign-out, notifications switched off in the OS); idempotent.</summary>
    [Function(nameof(RemovePushToken))]
    public Task<IResult> RemovePushToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/users/me/push-token")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(new PushTokensRemovedResponse(await users.RemovePushTokensAsync(user.UserId, cancellationToken))));

    /// <summary>Deletes the account and the data about it; votes already counted stay counted, untraceable.</summary>
    [Function(nameof(DeleteMe))]
    public Task<IResult> DeleteMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/users/me")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            await users.DeleteAccountAsync(user.UserId, cancellationToken);
            return ApiResponse.Ok(new DeletedResponse(Deleted: true));
        });
}
