namespace Circly.Core.Outbox;

/// <summary>
/// The events services announce through the outbox, and their payloads. Payloads carry ids and
/// the question text only: never who voted or for whom. The product events the Analytics module
/// records (docs/ANONYMITY.md "Analytics") are here too: a vote names its poll and circle, never
/// the voter or the option.
/// </summary>
public static class OutboxEventTypes
{
    public const string PollCreated = "PollCreated";
    public const string PollClosed = "PollClosed";
    public const string PollDeadlineSoon = "PollDeadlineSoon";
    public const string AccountCreated = "AccountCreated";
    public const string CircleCreated = "CircleCreated";
    public const string CircleJoined = "CircleJoined";
    public const string CircleLeft = "CircleLeft";
    public const string VoteCast = "VoteCast";
    public const string PushSent = "PushSent";
    public const string PushReceipts = "PushReceipts";
    public const string NotificationOpened = "NotificationOpened";
    public const string ReportFiled = "ReportFiled";
    public const string ReportsResolved = "ReportsResolved";
}

public sealed record PollCreated(Guid PollId, Guid CircleId, Guid? CreatorUserId, string QuestionText, DateTimeOffset Deadline);

public sealed record PollClosed(Guid PollId, Guid CircleId, string QuestionText, int TotalVotes, int EligibleVoters);

public sealed record PollDeadlineSoon(Guid PollId, Guid CircleId, string QuestionText, DateTimeOffset Deadline);

public sealed record AccountCreated(Guid UserId);

public sealed record CircleCreated(Guid CircleId, Guid UserId);

public sealed record CircleJoined(Guid CircleId, Guid UserId);

public sealed record CircleLeft(Guid CircleId, Guid UserId);

/// <summary>Written by the vote's own statement (OutboxSql.VoteCast): the poll and its circle, nothing about the voter or the choice.</summary>
public sealed record VoteCast(Guid PollId, Guid CircleId);

/// <summary>One push batch's outcome: how many Expo accepted and how many were not delivered to it.</summary>
public sealed record PushSent(int Sent, int Failed);

/// <summary>One receipt run's outcome: delivered to Apple or Google, and errors (expired included).</summary>
public sealed record PushReceipts(int Delivered, int Failed);

/// <summary>The user read notifications in the inbox (one or all).</summary>
public sealed record NotificationOpened(Guid UserId, int Count);

public sealed record ReportFiled(Guid UserId, Guid CircleId);

/// <summary>A moderator's action resolved this many pending reports.</summary>
public sealed record ReportsResolved(int Count);

/// <summary>What goes on the outbox-events queue: the event's id makes every consumer idempotent.</summary>
public sealed record OutboxMessage(Guid EventId, string Type, System.Text.Json.JsonElement Payload, DateTimeOffset CreatedAt);
