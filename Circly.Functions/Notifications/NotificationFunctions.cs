using System.Globalization;
using Circly.Core.Errors;
using Circly.Core.Notifications;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Notifications;

public sealed class NotificationFunctions(HttpApi api, InboxService inbox, NotificationSettingsService settings, NotificationEvents events)
{
    /// <summary>My inbox, newest first: ?limit=1..50 (20) and ?cursor= from the previous page's nextCursor.</summary>
    [Function(nameof(ListNotifications))]
    public Task<IResult> ListNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/notifications")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var limit = Limit(request.Query["limit"]);
            var cursor = request.Query["cursor"].ToString() is { Length: > 0 } c ? c : null;
            return ApiResponse.Ok(await inbox.ListAsync(user.UserId, limit, cursor, cancellationToken));
        });

    [Function(nameof(MarkNotificationRead))]
    public Task<IResult> MarkNotificationRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/notifications/{id}/read")] HttpRequest request, string id) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var result = await inbox.MarkReadAsync(user.UserId, id, cancellationToken);
            await events.OpenedAsync(user.UserId, 1, cancellationToken);
            return ApiResponse.Ok(result);
        });

    [Function(nameof(MarkAllNotificationsRead))]
    public Task<IResult> MarkAllNotificationsRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/notifications/read-all")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var result = await inbox.MarkAllReadAsync(user.UserId, cancellationToken);
            await events.OpenedAsync(user.UserId, result.Marked, cancellationToken);
            return ApiResponse.Ok(result);
        });

    [Function(nameof(GetNotificationSettings))]
    public Task<IResult> GetNotificationSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/notifications/settings")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
            ApiResponse.Ok(await settings.GetAsync(user.UserId, cancellationToken)));

    /// <summary>Changes only the fields sent: switches, quietHours {enabled, start, end}, maxPerDay, timeZone.</summary>
    [Function(nameof(UpdateNotificationSettings))]
    public Task<IResult> UpdateNotificationSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/notifications/settings")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<UpdateNotificationSettingsRequest>(request, cancellationToken);
            return ApiResponse.Ok(await settings.UpdateAsync(user.UserId, body, cancellationToken));
        });

    private static int Limit(string? value) =>
        string.IsNullOrEmpty(value) ? InboxService.DefaultLimit
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit
        : throw Fail.InvalidFormat("limit", "must be a whole number.");
}
