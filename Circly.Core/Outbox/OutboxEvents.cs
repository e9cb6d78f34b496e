namespace Circly.Core.Outbox;

/// <summary>
/// The events services announce through the outbox, and their payloads. Payloads carry ids and
/// the question text only: never who voted or for whom.
/// </summary>
public static class OutboxEventTypes
{
    public const string PollCreated = "PollCreated";
    public const string PollClosed = "PollClosed";
    public const string PollDeadlineSoon = "PollDeadlineSoon";
}

public sealed record PollCreated(Guid PollId, Guid CircleId, Guid? CreatorUserId, string QuestionText, DateTimeOffset Deadline);

public sealed record PollClosed(Guid PollId, Guid CircleId, string QuestionText, int TotalVotes);

public sealed record PollDeadlineSoon(Guid PollId, Guid CircleId, string QuestionText, DateTimeOffset Deadline);

/// <summary>What goes on the outbox-events queue: the event's id makes every consumer idempotent.</summary>
public sealed record OutboxMessage(Guid EventId, string Type, System.Text.Json.JsonElement Payload, DateTimeOffset CreatedAt);
