namespace Circly.Core.Analytics;

/// <summary>
/// One raw analytics row before its pseudonyms: what an outbox event becomes. ActorUserId is only
/// ever turned into the period pseudonyms; it is never stored.
/// </summary>
internal sealed record AnalyticsEvent(
    DateOnly Day, Guid EventId, string Name, Guid? CircleId = null, Guid? PollId = null, Guid? ActorUserId = null, int Quantity = 1, int Quantity2 = 0);

/// <summary>The event names of analytics_events (its CHECK constraint lists the same).</summary>
internal static class AnalyticsEventNames
{
    public const string AccountCreated = "account_created";
    public const string CircleCreated = "circle_created";
    public const string CircleJoined = "circle_joined";
    public const string CircleLeft = "circle_left";
    public const string PollCreated = "poll_created";
    public const string PollClosed = "poll_closed";
    public const string VoteCast = "vote_cast";
    public const string PushSent = "push_sent";
    public const string PushReceipts = "push_receipts";
    public const string NotificationOpened = "notification_opened";
    public const string ReportFiled = "report_filed";
    public const string ReportResolved = "report_resolved";
}
