using Circly.Core.Outbox;

namespace Circly.Core.Analytics;

/// <summary>
/// Which outbox events are product events, and what each records. Only the UTC day of the event is
/// kept; a vote records its poll and circle and nothing else (docs/ANONYMITY.md "Analytics").
/// </summary>
internal static class AnalyticsEventMapping
{
    /// <summary>Null for outbox events that are not product events (deadline reminders).</summary>
    public static AnalyticsEvent? From(OutboxMessage message)
    {
        var day = DateOnly.FromDateTime(message.CreatedAt.UtcDateTime);
        var id = message.EventId;
        var payload = message.Payload;
        return message.Type switch
        {
            OutboxEventTypes.AccountCreated => Map<AccountCreated>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.AccountCreated, ActorUserId: e.UserId)),
            OutboxEventTypes.CircleCreated => Map<CircleCreated>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.CircleCreated, e.CircleId, ActorUserId: e.UserId)),
            OutboxEventTypes.CircleJoined => Map<CircleJoined>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.CircleJoined, e.CircleId, ActorUserId: e.UserId)),
            OutboxEventTypes.CircleLeft => Map<CircleLeft>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.CircleLeft, e.CircleId, ActorUserId: e.UserId)),
            OutboxEventTypes.PollCreated => Map<PollCreated>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.PollCreated, e.CircleId, e.PollId, e.CreatorUserId)),
            OutboxEventTypes.PollClosed => Map<PollClosed>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.PollClosed, e.CircleId, e.PollId, Quantity: e.TotalVotes, Quantity2: e.EligibleVoters)),
            OutboxEventTypes.VoteCast => Map<VoteCast>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.VoteCast, e.CircleId, e.PollId)),
            OutboxEventTypes.PushSent => Map<PushSent>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.PushSent, Quantity: e.Sent, Quantity2: e.Failed)),
            OutboxEventTypes.PushReceipts => Map<PushReceipts>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.PushReceipts, Quantity: e.Delivered, Quantity2: e.Failed)),
            OutboxEventTypes.NotificationOpened => Map<NotificationOpened>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.NotificationOpened, ActorUserId: e.UserId, Quantity: e.Count)),
            OutboxEventTypes.ReportFiled => Map<ReportFiled>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.ReportFiled, e.CircleId, ActorUserId: e.UserId)),
            OutboxEventTypes.ReportsResolved => Map<ReportsResolved>(payload, e => new AnalyticsEvent(day, id, AnalyticsEventNames.ReportResolved, Quantity: e.Count)),
            _ => null,
        };
    }

    private static AnalyticsEvent Map<T>(System.Text.Json.JsonElement payload, Func<T, AnalyticsEvent> map) => map(OutboxWriter.Read<T>(payload));
}
