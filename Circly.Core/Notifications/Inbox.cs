namespace Circly.Core.Notifications;

/// <summary>
/// What the fan-out writes for one recipient of one event. CreatedAt must be the event's time (the
/// same on every delivery of the event): with EventId it makes the entry's key, so a repeated
/// write finds the entry already there.
/// </summary>
public sealed record InboxEntry(Guid UserId, Guid EventId, string Type, string Title, string Body, Guid? PollId, Guid? CircleId, DateTimeOffset CreatedAt);

/// <summary>One notification in a user's inbox. Id is opaque.</summary>
public sealed record Notification(string Id, string Type, string Title, string Body, Guid? PollId, Guid? CircleId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>A page of the inbox, newest first; NextCursor fetches the page after it.</summary>
public sealed record NotificationPage(IReadOnlyList<Notification> Items, int UnreadCount, int Limit, bool HasMore, string? NextCursor);

public sealed record MarkReadResult(Notification Notification, int UnreadCount);

public sealed record MarkAllReadResult(int Marked, int UnreadCount);
