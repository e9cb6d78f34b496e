using Circly.Core;
using Circly.Core.Circles;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Circly.Functions.Circles;

/// <summary>GET /join/{code}: the web page of an invite link ({App__PublicBaseUrl}/join/{code}).</summary>
public sealed class InvitePageFunction(HttpApi api, CircleService circles, InviteLinks links, IOptions<AppOptions> app)
{
    /// <summary>Rate-limited per IP with the join attempts (it tells whether a code exists); errors are pages too.</summary>
    [Function(nameof(InvitePage))]
    public Task<IResult> InvitePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "join/{code}")] HttpRequest request, string code) =>
        api.RunPageAsync(request, async (clientAddress, cancellationToken) =>
            await circles.FindInvitePreviewAsync(code, clientAddress, cancellationToken) is { } circle
                ? InvitePages.Invite(circle, links, app.Value)
                : InvitePages.Missing(app.Value),
            (status, headers) => InvitePages.Error(status, headers, app.Value));
}
