using Circly.Core.Auth;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Auth;

public sealed class AuthFunctions(HttpApi api, AuthService auth, AccountTransfers transfers)
{
    /// <summary>First login registers the device (201); later logins must present the same device secret (200).</summary>
    [Function(nameof(DeviceLogin))]
    public Task<IResult> DeviceLogin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/device-login")] HttpRequest request) =>
        api.RunAnonymousAsync(request, async (clientAddress, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<DeviceLoginRequest>(request, cancellationToken);
            var session = await auth.DeviceLoginAsync(body, clientAddress, cancellationToken);
            return session.IsNewUser ? ApiResponse.Created(session) : ApiResponse.Ok(session);
        });

    /// <summary>Rotates the refresh token: the presented one stops working, a new pair comes back.</summary>
    [Function(nameof(RefreshToken))]
    public Task<IResult> RefreshToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/refresh")] HttpRequest request) =>
        api.RunAnonymousAsync(request, async (_, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<RefreshRequest>(request, cancellationToken);
            return ApiResponse.Ok(await auth.RefreshAsync(body, cancellationToken));
        });

    /// <summary>The old phone asks for a one-time code for moving the account to a new phone (201); asking again replaces it.</summary>
    [Function(nameof(RequestTransferCode))]
    public Task<IResult> RequestTransferCode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/transfer-code")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<TransferCodeRequest>(request, cancellationToken);
            return ApiResponse.Created(await transfers.IssueCodeAsync(user.UserId, body, cancellationToken));
        });

    /// <summary>The new phone, not signed in, redeems the code with its own device credentials and gets the account's session.</summary>
    [Function(nameof(RedeemTransferCode))]
    public Task<IResult> RedeemTransferCode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/transfer")] HttpRequest request) =>
        api.RunAnonymousAsync(request, async (clientAddress, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<TransferRequest>(request, cancellationToken);
            return ApiResponse.Ok(await transfers.RedeemAsync(body, clientAddress, cancellationToken));
        });
}
